"""The indicator names of the registry, marked for translation.

The registry (qingfeng.indicators.registry) keeps the Chinese names of spec/indicators.md as plain text;
the cockpit and the review show them through gettext, so they are listed here for makemessages and their
English is in tools/en/cockpit.json. tests/cockpit/test_names.py fails when the registry has a name
missing here."""

from django.utils.translation import gettext_noop

INDICATOR_NAMES = [
    gettext_noop("党组织总数"),  # orgs.total
    gettext_noop("党支部数"),  # orgs.branches
    gettext_noop("党员总数"),  # members.total
    gettext_noop("发展党员数"),  # members.recruited
    gettext_noop("转入党员数"),  # members.transferred_in
    gettext_noop("活动次数"),  # activities.count
    gettext_noop("专题活动次数"),  # activities.campaign_count
    gettext_noop("非公有制企业党的工作覆盖率"),  # coverage.nonpublic
    gettext_noop("非公有制企业党组织覆盖率"),  # coverage.nonpublic_org
    gettext_noop("社会组织党的工作覆盖率"),  # coverage.social
    gettext_noop("社会组织党组织覆盖率"),  # coverage.social_org
    gettext_noop("“第一议题”落实率"),  # study.first_topic_rate
    gettext_noop("读书班期数"),  # study.reading_classes
    gettext_noop("读书班培训人数"),  # study.reading_class_trainees
    gettext_noop("专题轮训人数"),  # training.rotation_trainees
    gettext_noop("领导干部轮训覆盖率"),  # training.rotation_coverage
    gettext_noop("宣讲小分队数"),  # lecture.teams
    gettext_noop("宣讲员人数"),  # lecture.lecturers
    gettext_noop("宣讲场次"),  # lecture.events
    gettext_noop("宣讲受众人次"),  # lecture.audience
    gettext_noop("三会一课落实率"),  # orglife.compliance
    gettext_noop("主题党日落实率"),  # orglife.theme_day_compliance
    gettext_noop("应开未开次数"),  # orglife.missing
    gettext_noop("软弱涣散党组织认定数"),  # grassroots.weak_identified
    gettext_noop("软弱涣散党组织整顿完成数"),  # grassroots.weak_rectified
    gettext_noop("完成换届党组织数"),  # grassroots.elections
    gettext_noop("应换届未换届党组织数"),  # grassroots.elections_overdue
    gettext_noop("选派(下派)干部人数"),  # grassroots.dispatched
    gettext_noop("在岗驻村(社区)力量人数"),  # grassroots.stationed
    gettext_noop("调整驻村干部人数"),  # grassroots.adjusted
    gettext_noop("派出队伍数"),  # grassroots.dispatch_teams
    gettext_noop("督导(督战)轮次"),  # supervision.rounds
    gettext_noop("发现问题数"),  # rectify.found
    gettext_noop("整改销号数"),  # rectify.closed
    gettext_noop("按期整改率"),  # rectify.on_time_rate
    gettext_noop("逾期未整改数"),  # rectify.overdue
    gettext_noop("问责人数"),  # accountability.persons
    gettext_noop("办实事事项数"),  # service.items
    gettext_noop("办结事项数"),  # service.completed
    gettext_noop("按期办结率"),  # service.completion_rate
    gettext_noop("受益群众人数"),  # service.beneficiaries
    gettext_noop("立案数"),  # discipline.cases_filed
    gettext_noop("主动投案人数"),  # discipline.self_surrender
    gettext_noop("运用“四种形态”处理人次"),  # discipline.four_forms
    gettext_noop("纪检监察建议书数"),  # discipline.recommendations
    gettext_noop("警示教育场次"),  # discipline.warning_sessions
    gettext_noop("警示教育受教育人次"),  # discipline.warning_audience
    gettext_noop("在用报表数"),  # burden.forms_active
    gettext_noop("报表精简率"),  # burden.forms_reduction
    gettext_noop("基层填报条数"),  # burden.entries
    gettext_noop("系统生成报表份数"),  # burden.forms_answered
    gettext_noop("入党申请人数"),  # development.applications
    gettext_noop("发展程序中人数"),  # development.in_progress
    gettext_noop("发展程序逾期环节数"),  # development.late_steps
    gettext_noop("党费收缴额（元）"),  # dues.collected
    gettext_noop("党费按月交纳率"),  # dues.payment_rate
    gettext_noop("连续六个月未交党费或未过组织生活人数"),  # members.lapsed
    gettext_noop("受表彰集体数"),  # honors.collectives
    gettext_noop("受表彰个人数"),  # honors.persons
    gettext_noop("学历提升培养人数"),  # grassroots.degree_trainees
    gettext_noop("集体经济扶持资金(元)"),  # economy.support_funds
    gettext_noop("获扶持村数"),  # economy.supported_villages
]
