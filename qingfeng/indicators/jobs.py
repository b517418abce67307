"""Background jobs of the indicators (qingfeng.core.jobs): rebuilding every fact from the records."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.core import jobs
from qingfeng.core.models import Job


def is_platform_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_platform_admin)


@jobs.register("rebuild", title=gettext_lazy("重建指标事实"), allowed=is_platform_admin)
def rebuild(job: Job, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
    from qingfeng.indicators.store import rebuild_facts

    rebuild_facts(progress=progress)
    return _("指标事实已按全部台账记录重建。"), {}
