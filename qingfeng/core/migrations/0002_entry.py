# The entry log moves from burden to core (the kernel: every write path logs its entries) — state only: the table
# burden_entry stays as it is, with its rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("burden", "0001_initial"),
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Entry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(db_index=True)),
                        ("model", models.CharField(max_length=40)),
                        ("object_id", models.BigIntegerField()),
                        ("channel", models.CharField(choices=[("page", "页面"), ("api", "接口"), ("import", "导入"), ("demo", "演示数据")], max_length=8)),
                        ("org", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.organization")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "填报记录",
                        "verbose_name_plural": "填报记录",
                        "db_table": "burden_entry",
                        "indexes": [models.Index(fields=["org", "at"], name="burden_entr_org_id_369ab1_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
