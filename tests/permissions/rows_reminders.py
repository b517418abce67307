"""Permission-matrix rows for the inbox (reminders:*), the calendar feed and the inbox API.

Every signed-in persona has an inbox of their own (what it holds is scoped; tests/reminders check that), so the
pages are READ pages with no object; choices (hiding, the e-mail, the feed) are the user's own. The feed is read
without a session: with the clerk's real address everyone gets 200, with a forged one everyone 404."""

from __future__ import annotations

from django.urls import reverse

from tests.api.conftest import bearer
from tests.clock import TODAY
from tests.permissions import PUBLIC, READ, Row


def url(name, *args) -> str:
    return reverse(f"reminders:{name}", args=args)


def clerk_feed(world) -> None:
    from qingfeng.reminders import actions

    actions.open_feed(world.clerk)


def clerk_feed_url(world) -> str:
    from qingfeng.reminders import actions

    return url("calendar", actions.feed_secret(actions.preference(world.clerk)))


API = {"headers": lambda w, user: bearer(user), "anonymous": 401}

ROWS = [
    Row("reminders:inbox", READ, page=lambda w: url("inbox")),
    Row("reminders:inbox", READ, page=lambda w: url("inbox") + f"?on={TODAY.isoformat()}&hidden=1"),
    Row("reminders:bell", READ, page=lambda w: url("bell")),
    # Hiding something that is not among the user's items is refused with a message: still a redirect.
    Row("reminders:hide", READ, method="POST", page=lambda w: url("hide"), data={"item": "finding:NONE"}),
    Row("reminders:unhide", READ, method="POST", page=lambda w: url("unhide"), data={"item": "finding:NONE"}),
    Row("reminders:digest", READ, method="POST", page=lambda w: url("digest"),
        data={"digest": "on", "email": "matrix@example.cn"}),
    Row("reminders:feed", READ, method="POST", page=lambda w: url("feed")),
    Row("reminders:feed_revoke", READ, method="POST", page=lambda w: url("feed_revoke")),
    Row("reminders:calendar", PUBLIC, setup=clerk_feed, page=clerk_feed_url),
    Row("reminders:calendar", PUBLIC, page=lambda w: url("calendar", "x" * 54), ok=404),
    Row("api_v1:inbox", READ, page=lambda w: reverse("api_v1:inbox"), **API),
    Row("api_v1:inbox", READ, page=lambda w: reverse("api_v1:inbox") + f"?on={TODAY.isoformat()}", **API),
    Row("api_v1:me_calendar", READ, page=lambda w: reverse("api_v1:me_calendar"), **API),
]
