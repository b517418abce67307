"""The table of spec/seed-figures.md, as (article, [(org code, key)…] summed, from, to, expected, at_least)."""

Y = ("2020-05-12", "2021-05-11")
E = ("2020-01-25", "2020-05-11")
P = ("2017-01-01", "2020-12-31")
AT = ("2021-05-11", "2021-05-11")
CITY = "140100"

ROWS = [
    ("市县两级共举办读书班17期", [(CITY, "study.reading_classes")], Y, 17, False),
    ("培训干部840人", [(CITY, "study.reading_class_trainees")], Y, 840, False),
    ("轮训市管领导干部2106人", [(CITY, "training.rotation_trainees[cadre_level=市管]")], Y, 2106, False),
    ("集中轮训全覆盖", [(CITY, "training.rotation_coverage[cadre_level=市管]")], Y, 100.0, False),
    ("组建起200人基层宣讲队伍", [(CITY, "lecture.lecturers")], AT, 200, False),
    ("8个小分队", [(CITY, "lecture.teams")], AT, 8, False),
    ("非公经济组织覆盖率92%", [(CITY, "coverage.nonpublic")], AT, 92.0, False),
    ("社会组织覆盖率90%", [(CITY, "coverage.social")], AT, 90.0, False),
    ("为民办学校、医院选派38名党组织书记", [(CITY, "grassroots.dispatched[role=党组织书记,sector=学校|医院]")], Y, 38, False),
    ("10个县(市、区)换届", [(CITY, "grassroots.elections[level=县(市、区)]")], Y, 10, False),
    ("46个乡镇领导班子换届", [(CITY, "grassroots.elections[level=乡镇(街道)]")], Y, 46, False),
    ("下派196名干部到村(社区)任职", [(CITY, "grassroots.dispatched[role=下派任职,level=村(社区)]")], Y, 196, False),
    ("全面完成81个软弱涣散村整顿", [(CITY, "grassroots.weak_rectified[sector=农村]")], Y, 81, False),
    ("825名市直机关干部", [(CITY, "grassroots.dispatched[role=突击队员]")], E, 825, False),
    ("组建8支突击队", [(CITY, "grassroots.dispatch_teams[role=突击队员]")], E, 8, False),
    ("43次召开会议研究推进", [(CITY, "activities.count[type=领导小组会议]")], P, 43, False),
    ("四支帮扶力量2000余人",
     [(CITY, "grassroots.dispatched[role=包村领导|第一书记|驻村工作队员|对口帮扶工作队员]")], P, 2000, True),
    ("开展39轮督战", [(CITY, "supervision.rounds[type=督战]")], P, 39, False),
    ("解决问题117个", [(CITY, "rectify.closed[source=督战]")], P, 117, False),
    ("调整驻村干部53名", [(CITY, "grassroots.adjusted")], P, 53, False),
    ("问责19人", [(CITY, "accountability.persons")], P, 19, False),
    ("下派挂职干部、选调生、墩苗干部224名", [(CITY, "grassroots.dispatched[role=挂职干部|选调生|墩苗干部]")], P, 224, False),
    ("累计整顿软弱涣散贫困村党组织91个",
     [("140122", "grassroots.weak_rectified[sector=农村]"), ("140123", "grassroots.weak_rectified[sector=农村]")],
     P, 91, False),
    ("选派34名干部到贫困县任村党组织书记",
     [("140122", "grassroots.dispatched[role=第一书记]"), ("140123", "grassroots.dispatched[role=第一书记]")], P, 34, False),
    ("警示教育2700余场次", [(CITY, "discipline.warning_sessions")], Y, 2700, True),
    ("报表精简82.1%", [(CITY, "burden.forms_reduction")], ("2020-01-25", "2020-12-31"), 82.1, False),
]

# Added in the second round.
HONOR_DAY = ("2021-05-25", "2021-05-25")
POOR = ("140122", "140123")  # 阳曲县, 娄烦县
ABOVE_COUNTY = "source=中央|省级|市级"
ROWS += [
    ("为信教群众聚居村整建制下派4个班子",
     [(CITY, "grassroots.dispatch_teams[role=班子成员,village_tag=信教群众聚居村]")], Y, 4, False),
    ("及12名党组织书记", [(CITY, "grassroots.dispatched[role=党组织书记,village_tag=信教群众聚居村]")], Y, 12, False),
    ("7个集体受表彰", [(CITY, "honors.collectives[grantor_level=省级]")], HONOR_DAY, 7, False),
    ("14个人受表彰", [(CITY, "honors.persons[grantor_level=省级]")], HONOR_DAY, 14, False),
    ("培养本专科生等学历人员621名", [(c, "grassroots.degree_trainees") for c in POOR], P, 621, False),
    ("统筹市级以上资金8000万元", [(c, f"economy.support_funds[{ABOVE_COUNTY}]") for c in POOR], P, 80_000_000, False),
    ("扶持两县147个村发展集体经济", [(c, f"economy.supported_villages[{ABOVE_COUNTY}]") for c in POOR], P, 147, False),
]
