# The entry log now belongs to core (core/migrations/0002_entry.py): state only, the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("burden", "0001_initial"),
        ("core", "0002_entry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Entry")], database_operations=[]),
    ]
