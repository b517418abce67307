from django.db import migrations


def seed(apps, schema_editor):
    from qingfeng.activities.defaults import ACTIVITY_TYPES, REQUIREMENTS

    ActivityType = apps.get_model("activities", "ActivityType")
    Requirement = apps.get_model("activities", "Requirement")
    for sort, (name, supervision, audience, restricted) in enumerate(ACTIVITY_TYPES):
        ActivityType.objects.update_or_create(
            name=name,
            defaults={"is_supervision": supervision, "needs_audience": audience, "is_restricted": restricted, "sort": sort},
        )
    for name, cadence, minimum in REQUIREMENTS:
        Requirement.objects.get_or_create(
            activity_type=ActivityType.objects.get(name=name), defaults={"cadence": cadence, "min_full_members": minimum}
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
