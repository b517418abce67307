"""Rows for the background jobs' pages: a job is seen where its starter's organization is seen."""

from django.urls import reverse

from tests.permissions import ADMIN, READ, Row


def jobs(w):
    from qingfeng.core import jobs as registry
    from qingfeng.core.models import Job

    w.job_own = Job.objects.create(kind="rebuild", user=w.clerk, title="重建", status="failed", message="失败")
    w.job_sibling = Job.objects.create(kind="rebuild", user=w.outsider, title="重建", status="failed", message="失败")
    for name, user in (("file_own", w.clerk), ("file_sibling", w.outsider)):
        job = Job.objects.create(kind="rebuild", user=user, title="导出", status="succeeded", result={"file": "导出.csv"})
        registry.result_path(job, "导出.csv").write_text("a,b\n")
        setattr(w, name, job)


ROWS = [
    Row("core:jobs", READ, page=lambda w: reverse("core:jobs")),
    Row("core:job", READ, own=lambda w: reverse("core:job", args=[w.job_own.pk]),
        sibling=lambda w: reverse("core:job", args=[w.job_sibling.pk]), setup=jobs),
    Row("core:job_file", READ, own=lambda w: reverse("core:job_file", args=[w.file_own.pk]),
        sibling=lambda w: reverse("core:job_file", args=[w.file_sibling.pk]), setup=jobs),
    Row("core:job_start", ADMIN, method="POST", page=lambda w: reverse("core:job_start", args=["rebuild"])),
    Row("core:job_retry", ADMIN, method="POST", own=lambda w: reverse("core:job_retry", args=[w.job_own.pk]),
        sibling=lambda w: reverse("core:job_retry", args=[w.job_sibling.pk]), setup=jobs),
]
