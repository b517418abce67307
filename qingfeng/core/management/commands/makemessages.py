"""Django's makemessages, also taking the strings marked N("…") — the project's short name for gettext_noop (column
headers and messages translated where they are shown) — which xgettext would otherwise leave out of the catalogue."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N"]
