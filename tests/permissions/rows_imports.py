"""Rows for the import pages. An upload (ImportJob) is private to the person who uploaded it: everyone else
gets 404, whatever their scope."""

from django.urls import reverse

from qingfeng.accounts.models import Role
from tests.permissions import READ, RESTRICTED, WRITE, Row

IMPORTERS = {Role.ADMIN, Role.ORGANIZATION, Role.PROPAGANDA, Role.DISCIPLINE, Role.CLERK}
NOT_THE_UPLOADER = {p: 404 for p in ("admin", "city", "district", "discipline", "leader", "outsider")}


def _job(w):
    from qingfeng.imports.models import ImportJob, JobStatus

    job = getattr(w, "import_job", None)
    if job is None:
        job = w.import_job = ImportJob.objects.create(
            user=w.clerk, file_name="台账.xlsx", stored_path="/nonexistent/台账.xlsx", status=JobStatus.DONE,
            summary={"党员": {"create": 1, "update": 0, "unchanged": 0}})
    return job


ROWS = [
    Row("imports:start", WRITE, writers=IMPORTERS, page=lambda w: reverse("imports:start")),
    Row("imports:preview", READ, own=lambda w: reverse("imports:preview", args=[_job(w).pk]), expect=NOT_THE_UPLOADER),
    Row("imports:result", READ, own=lambda w: reverse("imports:result", args=[_job(w).pk]), expect=NOT_THE_UPLOADER),
    # Confirming a job that is already done sends the uploader back to its page; a read-only role is refused first.
    Row("imports:run", WRITE, method="POST", writers=IMPORTERS, own=lambda w: reverse("imports:run", args=[_job(w).pk]),
        expect={**NOT_THE_UPLOADER, "leader": 403}),
    # 列对应 of a job that needs none (already done) sends the uploader back to its page.
    Row("imports:mapping", WRITE, writers=IMPORTERS, own=lambda w: reverse("imports:mapping", args=[_job(w).pk]),
        ok=302, expect={**NOT_THE_UPLOADER, "leader": 403}),
    Row("imports:template_all", READ, page=lambda w: reverse("imports:template_all")),
    Row("imports:template", READ, page=lambda w: reverse("imports:template", args=["党员"])),
    Row("imports:template", RESTRICTED, page=lambda w: reverse("imports:template", args=["案件"])),
]
