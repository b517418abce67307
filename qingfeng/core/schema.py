from __future__ import annotations

import io
from collections.abc import Callable


def migrate_quietly(call_command: Callable[..., object]) -> None:
    """Apply pending migrations, saying nothing when there are none."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        out = io.StringIO()
        call_command("migrate", interactive=False, verbosity=1, stdout=out)
