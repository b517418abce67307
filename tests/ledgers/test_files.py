"""Attachments: size and type limits judged by content, stored outside the web root, served only to
users who may see the record."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from qingfeng.files.models import Attachment
from tests.clock import TODAY
from tests.ledgers.conftest import docx_upload, pdf_upload, png_bytes, png_upload


@pytest.fixture
def meeting(world):
    return record_activity(user=world.clerk, org=world.branch_a, type=ActivityType.objects.get(name="主题党日"),
                           date=TODAY, topic="主题党日")


def attach(client, meeting, *uploads, kind="minutes"):
    return client.post(reverse("activities:attach", args=[meeting.code]), {"kind": kind, "files": list(uploads)},
                       follow=True)


def test_allowed_types_are_stored_under_media_root(world, client_for, meeting):
    client = client_for(world.clerk)
    attach(client, meeting, png_upload(), pdf_upload(), docx_upload())
    rows = list(Attachment.objects.order_by("id"))
    assert [a.mime.split("/")[-1][:20] for a in rows] == ["png", "pdf", "vnd.openxmlformats-o"]
    for row in rows:
        assert (settings.MEDIA_ROOT / row.stored).is_file()
        assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


@pytest.mark.parametrize("upload, reason", [
    (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf at all"), "内容与扩展名不符"),
    (SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "内容与扩展名不符"),  # a broken image
    (SimpleUploadedFile("renamed.jpg", png_bytes()), "内容与扩展名不符"),
    (SimpleUploadedFile("script.html", b"<script>alert(1)</script>"), "类型不允许"),
    (SimpleUploadedFile("empty.pdf", b""), "空文件"),
])
def test_bad_files_are_refused_with_a_reason_and_nothing_is_kept(world, client_for, meeting, upload, reason):
    client = client_for(world.clerk)
    page = attach(client, meeting, png_upload("good.png"), upload).content.decode()
    assert reason in page
    assert not Attachment.objects.exists()  # the good file of the same upload is not kept either
    assert not list(settings.MEDIA_ROOT.rglob("*.*"))


def test_size_limit(world, client_for, meeting, settings):
    settings.QINGFENG_FILE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    page = attach(client_for(world.clerk), meeting, big).content.decode()
    assert "超过 1 KB 的大小上限" in page
    assert not Attachment.objects.exists()


def test_download_follows_the_record_access(world, client_for, meeting):
    attach(client_for(world.clerk), meeting, pdf_upload("纪要.pdf"))
    attachment = Attachment.objects.get()
    url = reverse("files:download", args=[attachment.key])
    for persona, status in [("clerk", 200), ("district", 200), ("leader", 200), ("outsider", 404)]:
        assert client_for(world.personas[persona]).get(url).status_code == status, persona
    response = client_for(world.clerk).get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f"inline; filename*=utf-8''{quote('纪要.pdf')}"
    assert client_for(world.clerk).get(reverse("files:download", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_leader_cannot_upload(world, client_for, meeting):
    response = client_for(world.leader).post(reverse("activities:attach", args=[meeting.code]),
                                             {"kind": "minutes", "files": [pdf_upload()]})
    assert response.status_code == 403 and not Attachment.objects.exists()
