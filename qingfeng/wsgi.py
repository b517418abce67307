import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
application = get_wsgi_application()

# Import every view and the API's schemas now, at start-up, not inside the first visitor's request
# (about two seconds at the cockpit's first request when measured).
from django.urls import get_resolver  # noqa: E402

_patterns = get_resolver().url_patterns
