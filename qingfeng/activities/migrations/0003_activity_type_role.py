"""ActivityType.role: what the rules rely on, set on the types migration 0002 seeded (found by their seeded names;
a type renamed before this migration keeps no role until a 系统管理员 gives it one in the admin)."""

from django.db import migrations, models

# The seeded names and their roles, frozen here (qingfeng.activities.defaults.TYPE_ROLES may move on).
ROLES = {
    "支部党员大会": "branch_assembly", "支部委员会": "branch_committee", "党小组会": "party_group", "党课": "party_lecture",
    "主题党日": "theme_day", "组织生活会": "life_meeting", "民主评议党员": "member_review", "党委(党组)会议": "first_topic",
    "理论学习中心组学习": "central_group", "读书班": "reading_class", "专题轮训": "rotation", "宣讲": "lecture",
    "警示教育": "warning_education", "督导检查": "inspection", "巡回指导": "circuit", "督战": "battle",
    "政治监督专项检查": "political", "领导小组会议": "leading_group",
}


def set_roles(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    for name, role in ROLES.items():
        if not ActivityType.objects.filter(role=role).exists():
            ActivityType.objects.filter(name=name, role="").update(role=role)


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0002_default_types'),
    ]

    operations = [
        migrations.AddField(
            model_name='activitytype',
            name='role',
            field=models.CharField(blank=True, choices=[('branch_assembly', '支部党员大会'), ('branch_committee', '支部委员会'), ('party_group', '党小组会'), ('party_lecture', '党课'), ('theme_day', '主题党日'), ('life_meeting', '组织生活会'), ('member_review', '民主评议党员'), ('first_topic', '党委(党组)会议（第一议题）'), ('central_group', '理论学习中心组学习'), ('reading_class', '读书班'), ('rotation', '专题轮训'), ('lecture', '宣讲'), ('warning_education', '警示教育'), ('inspection', '督导检查'), ('circuit', '巡回指导'), ('battle', '督战'), ('political', '政治监督专项检查'), ('leading_group', '领导小组会议')], default='', max_length=20, verbose_name='用途'),
        ),
        migrations.AddConstraint(
            model_name='activitytype',
            constraint=models.UniqueConstraint(condition=models.Q(('role', ''), _negated=True), fields=('role',), name='activitytype_one_per_role'),
        ),
        migrations.RunPython(set_roles, migrations.RunPython.noop),
    ]
