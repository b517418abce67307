from django.db import migrations


def create(apps, schema_editor):
    # PostgreSQL only uses a btree for LIKE 'prefix%' under a non-C collation with the
    # pattern operator class; SQLite's plain index already serves the prefix (GLOB/range).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS orgs_org_path_pattern ON orgs_organization (path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS orgs_org_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
