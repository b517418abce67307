import pytest
from django.test import Client

from tests.api.conftest import bearer


@pytest.fixture
def inbox(client):
    """inbox(user, on=None) → the items of GET /api/v1/inbox for that user, as dicts."""

    def read(user, on=None):
        params = {"on": on.isoformat()} if on else {}
        response = client.get("/api/v1/inbox", params, headers=bearer(user))
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return read


def read_feed(url: str):
    """The events of a calendar feed fetched without a session: [{uid, summary, start, url}]."""
    from icalendar import Calendar

    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return [{"uid": str(e["UID"]), "summary": str(e["SUMMARY"]), "start": e.decoded("DTSTART"), "url": str(e["URL"]),
             "end": e.decoded("DTEND")} for e in calendar.walk("VEVENT")]


@pytest.fixture
def feed(client):
    """feed(user) → the events of the user's calendar feed (its address asked through GET /api/v1/me/calendar)."""

    def read(user):
        response = client.get("/api/v1/me/calendar", headers=bearer(user))
        assert response.status_code == 200, response.content
        return read_feed(response.json()["url"])

    return read
