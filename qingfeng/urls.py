from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from qingfeng.api.v1 import api as api_v1

urlpatterns = [
    path("", include("qingfeng.core.urls")),
    path("accounts/", include("qingfeng.accounts.urls")),
    path("orgs/", include("qingfeng.orgs.urls")),
    path("people/", include("qingfeng.people.urls")),
    path("activities/", include("qingfeng.activities.urls")),
    path("grassroots/", include("qingfeng.grassroots.urls")),
    path("findings/", include("qingfeng.supervision.urls")),
    path("service/", include("qingfeng.service.urls")),
    path("entities/", include("qingfeng.entities.urls")),
    path("forms/", include("qingfeng.burden.urls")),
    path("discipline/", include("qingfeng.discipline.urls")),
    path("indicators/", include("qingfeng.indicators.urls")),
    path("imports/", include("qingfeng.imports.urls")),
    path("audit/", include("qingfeng.audit.urls")),
    path("api/v1/", api_v1.urls),
    path("api/", include("qingfeng.api.urls")),
    path("files/", include("qingfeng.files.urls")),
    path("cockpit/", include("qingfeng.cockpit.urls")),
    path("province/", include("qingfeng.federation.urls")),
    path("reports/", include("qingfeng.reports.urls")),
    path("membership/", include("qingfeng.membership.urls")),
    path("", include("qingfeng.reminders.urls")),
    path("yibiaotong/", include("qingfeng.forms.urls")),
    # A register mounts its own pages: its AppConfig names the prefix (url_prefix) of its urls module.
    *[path(getattr(config, "url_prefix", ""), include(f"{config.name}.urls")) for config in apps.get_app_configs()
      if getattr(config, "url_prefix", None)],
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

# A write the database could not take in time answers 503 with Retry-After, not 500 (qingfeng.core.busy).
handler500 = "qingfeng.core.busy.server_error"
