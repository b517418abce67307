"""Default activity types and organizational-life requirements (spec/indicators.md "Compliance").

They are data: a deployment's 系统管理员 changes them on the requirements page or in the admin."""

# (name, is_supervision, needs_audience, is_restricted)
ACTIVITY_TYPES = [
    ("支部党员大会", False, False, False),
    ("支部委员会", False, False, False),
    ("党小组会", False, False, False),
    ("党课", False, False, False),
    ("主题党日", False, False, False),
    ("组织生活会", False, False, False),
    ("民主评议党员", False, False, False),
    ("党委(党组)会议", False, False, False),
    ("理论学习中心组学习", False, False, False),
    ("读书班", False, False, False),
    ("专题轮训", False, False, False),
    ("宣讲", False, True, False),
    ("警示教育", False, True, False),
    ("督导检查", True, False, False),
    ("巡回指导", True, False, False),
    ("督战", True, False, False),
    ("政治监督专项检查", True, False, False),
    ("领导小组会议", False, False, False),
    ("其他", False, False, False),
]

# The role of each default type (ActivityType.role): what the rules rely on, whatever the type is renamed to.
TYPE_ROLES = {
    "支部党员大会": "branch_assembly", "支部委员会": "branch_committee", "党小组会": "party_group", "党课": "party_lecture",
    "主题党日": "theme_day", "组织生活会": "life_meeting", "民主评议党员": "member_review", "党委(党组)会议": "first_topic",
    "理论学习中心组学习": "central_group", "读书班": "reading_class", "专题轮训": "rotation", "宣讲": "lecture",
    "警示教育": "warning_education", "督导检查": "inspection", "巡回指导": "circuit", "督战": "battle",
    "政治监督专项检查": "political", "领导小组会议": "leading_group",
}

# (activity type, cadence, minimum 正式党员 on the window's first day)
REQUIREMENTS = [
    ("支部党员大会", "quarter", 0),
    ("支部委员会", "month", 7),
    ("党课", "quarter", 0),
    ("主题党日", "month", 0),
    ("组织生活会", "year", 0),
]
