import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
application = get_wsgi_application()

# Import every view and the API's schemas now, at start-up, not inside the first visitor's request
# (about two seconds at the cockpit's first request when measured).
from django.urls import get_resolver  # noqa: E402

_patterns = get_resolver().url_patterns

# What start-up made (modules, settings, the URL patterns: about 160,000 objects) lives as long as the process. Kept
# out of the garbage collector's full passes, which otherwise walked all of it about every tenth request of a page
# like the cockpit (110 ms each time, measured at city scale; docs/benchmarks.md). And a young generation of 20,000
# objects instead of 700: a page's short-lived rows die before a collection looks at them (the cockpit's first
# asker spent 2 ms a request in collections, now none).
import gc  # noqa: E402

gc.freeze()
gc.set_threshold(20_000, 10, 10)
