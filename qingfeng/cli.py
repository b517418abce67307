"""The `qingfeng` console script: the platform's own commands plus Django's management commands.

Every command first brings the schema up to date, so a fresh, empty database works."""

from __future__ import annotations

import os
import sys

NO_AUTO_MIGRATE = {"makemigrations", "migrate", "help", "--help", "-h", "version", "--version", "test",
                   "squashmigrations", "showmigrations", "sqlmigrate", "makemessages", "compilemessages"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
    import django
    from django.core.management import call_command, execute_from_command_line

    django.setup()
    command = argv[1] if len(argv) > 1 else "help"
    if command not in NO_AUTO_MIGRATE and not command.startswith("-"):
        from qingfeng.core.schema import migrate_quietly

        migrate_quietly(call_command)
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
