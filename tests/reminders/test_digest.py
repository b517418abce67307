"""The morning e-mail: opt in on 我的账户, sent by `qingfeng remind --send` once per user and day, only when
something is due, never twice."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from qingfeng.reminders.models import DigestSent, Preference
from tests.clock import TODAY

DAY = dt.timedelta(days=1)


def send(*args) -> str:
    out = io.StringIO()
    call_command("remind", "--send", *args, stdout=out)
    return out.getvalue()


def opt_in(client_for, user, email):
    return client_for(user).post(reverse("reminders:digest"), {"digest": "on", "email": email}, follow=True)


def test_an_opted_in_user_gets_one_email_a_day(world, client_for):
    response = opt_in(client_for, world.clerk, "clerk@example.cn")
    assert "已开启每日提醒邮件" in response.content.decode()
    world.clerk.refresh_from_db()
    assert world.clerk.email == "clerk@example.cn"
    assert "clerk\tsent" in send()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["clerk@example.cn"] and "清风待办" in message.subject and TODAY.isoformat() in message.subject
    body = message.body
    assert f"主题党日（{TODAY.year}年{TODAY.month}月）尚未召开" in body
    assert "http://127.0.0.1:8000/activities/new/?org=" in body  # links to where each item is done
    assert message.extra_headers["List-Unsubscribe"] == "<http://127.0.0.1:8000/accounts/me/>"
    html = message.alternatives[0][0]
    assert "<a href=\"http://127.0.0.1:8000/activities/new/" in html
    # never twice: a second run the same day sends nothing
    assert "clerk\talready sent" in send()
    assert len(mail.outbox) == 1 and DigestSent.objects.filter(user=world.clerk, day=TODAY).count() == 1
    # the next morning, again
    send("--on", (TODAY + DAY).isoformat())
    assert len(mail.outbox) == 2


def test_nothing_is_sent_to_those_with_nothing_due_or_not_opted_in(world, client_for):
    opt_in(client_for, world.discipline_user, "jijian@example.cn")  # nothing to verify today
    world.district_user.email = "district@example.cn"
    world.district_user.save()  # an address, but no opt-in
    assert "discipline\tnothing due" in send()
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_opting_in_needs_a_valid_address_and_can_be_undone(world, client_for):
    page = opt_in(client_for, world.clerk, "").content.decode()
    assert "请填写电子邮箱" in page and not Preference.objects.filter(user=world.clerk, digest=True).exists()
    page = opt_in(client_for, world.clerk, "not-an-address").content.decode()
    assert "电子邮箱格式不正确" in page and not Preference.objects.filter(user=world.clerk, digest=True).exists()
    world.clerk.refresh_from_db()
    assert world.clerk.email == ""
    opt_in(client_for, world.clerk, "clerk@example.cn")
    client_for(world.clerk).post(reverse("reminders:digest"), {"email": "clerk@example.cn"})
    assert not Preference.objects.get(user=world.clerk).digest
    send()
    assert mail.outbox == []


def test_a_failed_send_is_retried_by_the_next_run(world, client_for, settings, monkeypatch):
    opt_in(client_for, world.clerk, "clerk@example.cn")

    def broken(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(CommandError):
        send()
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert "clerk\tsent" in send()
    assert len(mail.outbox) == 1


def test_the_settings_show_on_my_account(world, client_for):
    html = client_for(world.clerk).get(reverse("accounts:profile")).content.decode()
    assert reverse("reminders:digest") in html and reverse("reminders:feed") in html
