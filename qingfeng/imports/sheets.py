"""The import formats of spec/import-formats.md as data: sheets, their columns and keys.

The engine, the templates, the exports and the documentation all read these tables, so a
column is described once."""

from __future__ import annotations

from dataclasses import dataclass, field

from qingfeng.activities.defaults import ACTIVITY_TYPES
from qingfeng.activities.models import Channel, Presence
from qingfeng.entities.models import CoverageMode, EntityType
from qingfeng.grassroots.models import AssignmentEndReason, Role
from qingfeng.orgs.models import Kind, Level, Sector
from qingfeng.people.models import CadreLevel, Category, Education, Gender
from qingfeng.service.models import ServiceCategory
from qingfeng.supervision.models import AccountabilityMode, FindingSource

YES_NO = ("是", "否")

# Column kinds. "text" cells are stripped and full-width letters and digits folded;
# "free" cells (names, topics, descriptions) are only stripped.
TEXT, FREE, CODE, ID, CREDIT, DATE, INT, ENUM, PHONE = ("text", "free", "code", "id", "credit", "date", "int", "enum", "phone")


@dataclass(frozen=True)
class Col:
    header: str
    required: bool = False
    kind: str = TEXT
    choices: tuple = ()
    max_length: int = 200
    note: str = ""
    example: object = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    restricted: bool = False
    writers: str = "party"  # party, study, supervision, discipline (see accounts.access WRITERS_*)
    description: str = ""
    index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.index.update({c.header: i for i, c in enumerate(self.columns)})

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def col(self, header: str) -> Col:
        return self.columns[self.index[header]]


END_NOTE = "结束类日期是第一天不再成立的日期（例如撤销日期当天起组织已不存在）"


def _e(choices) -> tuple:
    return tuple(str(c) for c in choices)


SHEETS: tuple[Sheet, ...] = (
    Sheet("党组织", (
        Col("组织编码", True, CODE, max_length=32, example="14010500199", note="1–32位字母、数字或-，不可重复"),
        Col("组织名称", True, FREE, example="示例社区第一党支部"),
        Col("上级组织编码", False, CODE, max_length=32, example="14010500101", note="除唯一的根组织外必填"),
        Col("组织类别", True, ENUM, _e(Kind.values), example="党支部"),
        Col("单位类型", True, ENUM, _e(Sector.values), example="社区"),
        Col("层级", False, ENUM, _e(Level.values)),
        Col("行政区划代码", False, TEXT, max_length=12, note="6、9或12位数字"),
        Col("成立日期", False, DATE, example="2018-03-01"),
        Col("撤销日期", False, DATE, note=END_NOTE),
        Col("本届选举日期", False, DATE, example="2024-06-15"),
        Col("任期年限", False, INT, ("3", "5"), example=3, note="3或5"),
    ), ("组织编码",)),
    Sheet("党员", (
        Col("姓名", True, FREE, max_length=50, example="张三"),
        Col("公民身份号码", True, ID, example="140105198005060011", note="18位，末位可为X；请将本列设为文本格式"),
        Col("性别", True, ENUM, _e(Gender.values), example="男"),
        Col("出生日期", False, DATE, example="1980-05-06"),
        Col("民族", False, FREE, max_length=20, example="汉族"),
        Col("学历", False, ENUM, _e(Education.values), example="大学本科"),
        Col("党员类别", True, ENUM, _e(Category.values), example="正式党员"),
        Col("入党日期", True, DATE, example="2005-07-01", note="接收为预备党员的日期"),
        Col("转正日期", False, DATE, example="2006-07-01", note="1990-01-01以后入党的正式党员必填"),
        Col("所在党组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("干部管理层级", False, ENUM, _e(CadreLevel.values), note="空表示无"),
        Col("职务", False, FREE, max_length=100),
        Col("手机号码", False, PHONE, max_length=11, example="13800000000"),
    ), ("公民身份号码",)),
    # 发展党员: one row per person on the way from application to full membership (docs/import-development.md).
    # Membership itself (入党日期, 转正日期) stays in the 党员 sheet; this sheet keeps the procedure's milestones.
    Sheet("发展党员", (
        Col("公民身份号码", True, ID, example="140105200001010014"),
        Col("姓名", True, FREE, max_length=50, example="李四"),
        Col("组织编码", True, CODE, max_length=32, example="14010500101", note="受理申请的党支部"),
        Col("递交申请日期", True, DATE, example="2023-03-01"),
        Col("谈话日期", False, DATE, example="2023-03-20", note="应在递交申请后一个月内"),
        Col("确定积极分子日期", False, DATE, example="2023-06-01"),
        Col("培养联系人", False, ID, note="正式党员的公民身份号码"),
        Col("确定发展对象日期", False, DATE, note="确定积极分子满一年以后"),
        Col("入党介绍人一", False, ID, note="正式党员的公民身份号码"),
        Col("入党介绍人二", False, ID, note="正式党员的公民身份号码"),
        Col("政治审查日期", False, DATE),
        Col("培训天数", False, INT, note="不少于3天或24学时"),
        Col("培训学时", False, INT),
        Col("支部大会日期", False, DATE, note="预备期从此日算起"),
        Col("应到人数", False, INT, note="有表决权的正式党员"),
        Col("实到人数", False, INT),
        Col("赞成票数", False, INT),
        Col("审批日期", False, DATE, note="应在支部大会后三个月内"),
        Col("延长预备期月数", False, INT, note="6至12，只能延长一次"),
        Col("转正支部大会日期", False, DATE, note="预备期满以后"),
        Col("转正审批日期", False, DATE),
        Col("终止日期", False, DATE),
        Col("终止原因", False, FREE),
    ), ("公民身份号码", "递交申请日期")),
    Sheet("活动", (
        Col("活动编号", True, CODE, max_length=40, example="HD-2025-0001"),
        Col("活动类型", True, ENUM, tuple(t[0] for t in ACTIVITY_TYPES), example="主题党日"),
        Col("组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("日期", True, DATE, example="2025-03-05", note="多日活动填第一天"),
        Col("主题", True, FREE, max_length=300, example="学习雷锋精神"),
        Col("形式", False, ENUM, _e(Channel.values), note="空表示线下"),
        Col("受众人数", False, INT, note="非负整数，用于宣讲和警示教育"),
        Col("第一议题", False, ENUM, YES_NO, note="仅用于党委(党组)会议"),
        Col("宣讲小分队编码", False, CODE, max_length=32, note="仅用于宣讲"),
    ), ("活动编号",), writers="study"),
    Sheet("参加人员", (
        Col("活动编号", True, CODE, max_length=40, example="HD-2025-0001"),
        Col("公民身份号码", True, ID, example="140105198005060011"),
        Col("出席情况", False, ENUM, _e(Presence.values), note="空表示出席"),
    ), ("活动编号", "公民身份号码"), writers="study"),
    Sheet("宣讲小分队", (
        Col("小分队编码", True, CODE, max_length=32, example="XJ-001"),
        Col("名称", True, FREE, max_length=100, example="红色文艺轻骑兵"),
        Col("组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("成立日期", False, DATE),
        Col("撤销日期", False, DATE, note=END_NOTE),
    ), ("小分队编码",), writers="study"),
    Sheet("宣讲员", (
        Col("小分队编码", True, CODE, max_length=32, example="XJ-001"),
        Col("公民身份号码", True, ID, example="140105198005060011"),
        Col("姓名", True, FREE, max_length=50, example="张三"),
        Col("加入日期", False, DATE),
        Col("退出日期", False, DATE, note=END_NOTE),
    ), ("小分队编码", "公民身份号码"), writers="study"),
    Sheet("两新组织", (
        Col("统一社会信用代码", True, CREDIT, example="91140105MA0K000008", note="18位，含校验位"),
        Col("名称", True, FREE, example="示例科技有限公司"),
        Col("类型", True, ENUM, _e(EntityType.values), example="非公有制企业"),
        Col("属地党组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("从业人员数", False, INT),
        Col("党员人数", False, INT),
        Col("覆盖方式", True, ENUM, _e(CoverageMode.values), example="单独组建"),
        Col("覆盖日期", False, DATE, note="该覆盖方式成立的日期；空表示自登记起；未覆盖时不填"),
        Col("注销日期", False, DATE, note=END_NOTE),
    ), ("统一社会信用代码",)),
    Sheet("选派干部", (
        Col("公民身份号码", True, ID, example="140105198005060011"),
        Col("姓名", True, FREE, max_length=50, example="张三"),
        Col("派出单位", False, FREE),
        Col("岗位", True, ENUM, _e(Role.values), example="第一书记"),
        Col("派驻组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("队伍", False, FREE, max_length=100),
        Col("开始日期", True, DATE, example="2024-01-02"),
        Col("结束日期", False, DATE, note=END_NOTE),
        Col("结束原因", False, ENUM, _e(AssignmentEndReason.values)),
    ), ("公民身份号码", "岗位", "派驻组织编码", "开始日期")),
    Sheet("软弱涣散整顿", (
        Col("组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("认定日期", True, DATE, example="2024-03-01"),
        Col("主要问题", False, FREE, max_length=2000),
        Col("整顿完成日期", False, DATE),
    ), ("组织编码", "认定日期")),
    Sheet("换届", (
        Col("组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("选举日期", True, DATE, example="2024-06-15"),
        Col("任期年限", True, INT, ("3", "5"), example=5, note="3或5"),
    ), ("组织编码", "选举日期")),
    Sheet("问题整改", (
        Col("问题编号", True, CODE, max_length=40, example="WT-2025-001"),
        Col("来源", True, ENUM, _e(FindingSource.values), example="督导检查"),
        Col("发现日期", True, DATE, example="2025-04-01"),
        Col("责任组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("问题描述", True, FREE, max_length=5000, example="三会一课记录不完整"),
        Col("整改期限", True, DATE, example="2025-05-31", note="不早于发现日期"),
        Col("销号日期", False, DATE, note="不早于发现日期；空表示未销号"),
    ), ("问题编号",), writers="supervision"),
    Sheet("问责", (
        Col("公民身份号码", True, ID, example="140105198005060011"),
        Col("姓名", True, FREE, max_length=50, example="张三"),
        Col("决定组织编码", True, CODE, max_length=32, example="140105"),
        Col("决定日期", True, DATE, example="2025-06-01"),
        Col("方式", False, ENUM, _e(AccountabilityMode.values)),
        Col("关联问题编号", False, CODE, max_length=40),
    ), ("公民身份号码", "决定日期"), writers="supervision"),
    Sheet("办实事", (
        Col("事项编号", True, CODE, max_length=40, example="SS-2025-001"),
        Col("组织编码", True, CODE, max_length=32, example="14010500199"),
        Col("事项名称", True, FREE, max_length=300, example="加装小区路灯"),
        Col("类别", False, ENUM, _e(ServiceCategory.values)),
        Col("承诺日期", True, DATE, example="2025-03-01"),
        Col("计划完成日期", True, DATE, example="2025-06-30"),
        Col("完成日期", False, DATE),
        Col("受益人数", False, INT),
    ), ("事项编号",)),
    Sheet("报表目录", (
        Col("报表编号", True, CODE, max_length=40, example="BB-001"),
        Col("报表名称", True, FREE, example="党员学习情况统计表"),
        Col("主管组织编码", True, CODE, max_length=32, example="140105"),
        Col("启用日期", True, DATE, example="2020-01-01"),
        Col("停用日期", False, DATE, note=END_NOTE),
        Col("停用原因", False, ENUM, ("合并", "由系统生成", "取消")),
    ), ("报表编号",)),
    Sheet("案件", (
        Col("案件编号", True, CODE, max_length=40, example="AJ-2025-001"),
        Col("公民身份号码", True, ID, example="140105198005060011"),
        Col("姓名", True, FREE, max_length=50, example="张三"),
        Col("干部管理层级", False, ENUM, _e(CadreLevel.values), note="立案时的层级，不改变人员当前层级"),
        Col("组织编码", True, CODE, max_length=32, example="140100"),
        Col("立案日期", True, DATE, example="2025-02-01"),
        Col("主动投案", False, ENUM, YES_NO, note="空表示否"),
        Col("结案日期", False, DATE),
    ), ("案件编号",), restricted=True, writers="discipline"),
    Sheet("处置", (
        Col("公民身份号码", True, ID, example="140105198005060011"),
        Col("姓名", True, FREE, max_length=50, example="张三"),
        Col("组织编码", True, CODE, max_length=32, example="140100"),
        Col("日期", True, DATE, example="2025-03-01"),
        Col("形态", True, INT, ("1", "2", "3", "4"), example=1, note="1、2、3或4"),
        Col("措施", False, FREE),
        Col("案件编号", False, CODE, max_length=40),
    ), ("公民身份号码", "日期", "形态"), restricted=True, writers="discipline"),
    Sheet("纪检监察建议书", (
        Col("建议书编号", True, CODE, max_length=40, example="JY-2025-001"),
        Col("组织编码", True, CODE, max_length=32, example="140100"),
        Col("发出日期", True, DATE, example="2025-04-01"),
        Col("收文单位", True, FREE, example="某某局"),
        Col("回复日期", False, DATE),
    ), ("建议书编号",), restricted=True, writers="discipline"),
)

BY_NAME = {s.name: s for s in SHEETS}
# Sheets that are not data (the templates' own instructions) and are skipped on import.
IGNORED_SHEETS = {"填写说明", "可选值"}
