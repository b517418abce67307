"""Runs the permission matrix of tests/permissions (read its docstring to add rows for your pages)."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client

from tests.permissions import PERSONAS, READ, RESTRICTED, WRITE, Row, all_rows, url_names

ROWS = all_rows()


def test_every_url_name_has_a_row():
    covered = {row.name for row in ROWS}
    missing = sorted(url_names() - covered)
    assert not missing, (
        "these URL names have no row in tests/permissions/rows_<app>.py — add one (see the package docstring): "
        + ", ".join(missing)
    )


def test_rows_name_real_urls():
    unknown = sorted({row.name for row in ROWS} - url_names())
    assert not unknown, f"rows for URL names the URLconf does not have: {', '.join(unknown)}"


@pytest.fixture(scope="module")
def matrix_client():
    """One client for the whole matrix: building a client's handler loads every middleware (WhiteNoise
    scans the static files), which costs more than the request itself."""
    return Client()


def _request(client: Client, row: Row, world, persona: str, target: str, url: str):
    user = world.personas.get(persona)
    client.cookies = SimpleCookie()  # a fresh visitor: no session, no language, nothing from the last request
    if user is not None:
        client.force_login(user)
    send = getattr(client, row.method.lower())
    body = row.body(world, target)
    headers = row.extra_headers(world, user)
    # Each request in its own rolled-back savepoint: a write by one persona never changes what the next sees.
    with transaction.atomic():
        response = send(url, body, headers=headers) if body is not None else send(url, headers=headers)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.name}-{r.method}-{i}" for i, r in enumerate(ROWS)])
def test_matrix(row: Row, world, matrix_client):
    if row.setup:
        row.setup(world)
    mismatches = []
    for target, build in row.targets():
        url = build(world)
        for persona in PERSONAS:
            user = world.personas.get(persona)
            want = row.expected(persona, target, user, world)
            response = _request(matrix_client, row, world, persona, target, url)
            got = response.status_code
            if got not in want:
                mismatches.append(f"{persona:>10} × {target:<7} {row.method} {url}: got {got}, want {sorted(want)}")
            elif persona == "anonymous" and got == 302 and row.anonymous is None and "anonymous" not in row.expect:
                if "login" not in response.get("Location", ""):
                    mismatches.append(f"{persona:>10} × {target:<7} {url}: redirected to {response['Location']},"
                                      " not to the login page")
    assert not mismatches, f"{row.name} ({row.kind}):\n" + "\n".join(mismatches)


def test_the_derivation_keeps_siblings_apart(world):
    """The matrix is only as good as its derivation: check it against the scopes World defines."""
    read = Row("x", READ, own=lambda w: "/", sibling=lambda w: "/")
    p = world.personas
    assert read.expected("clerk", "sibling", p["clerk"], world) == {404}
    assert read.expected("district", "sibling", p["district"], world) == {404}
    assert read.expected("outsider", "own", p["outsider"], world) == {404}
    assert read.expected("outsider", "sibling", p["outsider"], world) == {200}
    assert read.expected("city", "own", p["city"], world) == {200}
    assert read.expected("anonymous", "own", None, world) == {302}
    write = Row("x", WRITE, own=lambda w: "/")
    assert write.expected("leader", "own", p["leader"], world) == {403}
    assert write.expected("clerk", "own", p["clerk"], world) == {200}
    restricted = Row("x", RESTRICTED, own=lambda w: "/")
    assert restricted.expected("city", "own", p["city"], world) == {404}
    assert restricted.expected("discipline", "own", p["discipline"], world) == {200}
    assert restricted.expected("admin", "own", p["admin"], world) == {200}
