"""The year-in-review (年度综述): a narrative in sections, written from sentence templates filled with indicator
values, with each section's figures as a table and one comparison across the child organizations.

Every number comes from the indicator engine (`compute`, the same call `qingfeng indicators` makes), so a
figure in any rendering equals the CLI's. A sentence is written only when all its figures have a value (and not all are 0); the
discipline section exists only for users who may see discipline data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from qingfeng.indicators import figures
from qingfeng.supervision.models import ProblemCategory

if TYPE_CHECKING:
    from qingfeng.orgs.models import Organization


@dataclass(frozen=True)
class Listing:
    """A sentence giving one figure for each value of a filter (问题类别: 形式主义 12, 官僚主义 5 …): a lead, then
    `item` for every value whose figure is not 0."""

    lead: str  # a msgid
    item: str  # a msgid with %(name)s (the value as words) and %(value)s (its figure)
    key: str  # the indicator key with {} for the value
    values: tuple[str, ...]

    def keys(self) -> list[str]:
        return [self.key.format(v) for v in self.values]


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str  # a msgid
    figures: tuple[tuple[str, str], ...]  # (alias used in the sentences, indicator key)
    sentences: tuple[str, ...]  # msgids with %(alias)s placeholders
    chart: str | None = None  # the alias compared across child organizations
    restricted: bool = False
    listing: Listing | None = None

    def keys(self) -> list[str]:
        return [key for _alias, key in self.figures] + (self.listing.keys() if self.listing else [])


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "study", gettext_noop("政治建设与理论学习"),
        (("first_topic", "study.first_topic_rate"), ("classes", "study.reading_classes"),
         ("trainees", "study.reading_class_trainees"), ("rotation", "training.rotation_trainees"),
         ("rotation_city", "training.rotation_trainees[cadre_level=市管]"),
         ("rotation_cov", "training.rotation_coverage[cadre_level=市管]")),
        (gettext_noop("党委（党组）会议“第一议题”落实率为%(first_topic)s。"),
         gettext_noop("期间举办读书班%(classes)s期，参加学习的干部%(trainees)s人。"),
         gettext_noop("专题轮训覆盖%(rotation)s人，其中市管领导干部%(rotation_city)s人，"
                      "市管领导干部轮训覆盖率为%(rotation_cov)s。")),
        chart="trainees",
    ),
    SectionSpec(
        "lecture", gettext_noop("理论宣讲"),
        (("teams", "lecture.teams"), ("lecturers", "lecture.lecturers"), ("events", "lecture.events"),
         ("audience", "lecture.audience")),
        (gettext_noop("期末有宣讲小分队%(teams)s支、宣讲员%(lecturers)s名。"),
         gettext_noop("期间在基层宣讲%(events)s场，听众累计%(audience)s人次。")),
        chart="events",
    ),
    SectionSpec(
        "grassroots", gettext_noop("基层组织建设"),
        (("orgs", "orgs.total"), ("branches", "orgs.branches"), ("members", "members.total"),
         ("recruited", "members.recruited"), ("nonpublic", "coverage.nonpublic"), ("social", "coverage.social"),
         ("elections", "grassroots.elections"), ("elections_county", "grassroots.elections[level=县(市、区)]"),
         ("elections_township", "grassroots.elections[level=乡镇(街道)]"), ("overdue", "grassroots.elections_overdue"),
         ("weak_found", "grassroots.weak_identified"), ("weak_fixed", "grassroots.weak_rectified"),
         ("weak_rural", "grassroots.weak_rectified[sector=农村]")),
        (gettext_noop("期末共有党组织%(orgs)s个，其中党支部%(branches)s个。"),
         gettext_noop("期末有党员%(members)s名，期间发展党员%(recruited)s名。"),
         gettext_noop("党的工作覆盖率：非公有制企业%(nonpublic)s，社会组织%(social)s。"),
         gettext_noop("%(elections)s个党组织完成换届，其中县级党委%(elections_county)s个、"
                      "乡镇（街道）党（工）委%(elections_township)s个；%(overdue)s个到期未换届。"),
         gettext_noop("新认定软弱涣散党组织%(weak_found)s个，完成整顿%(weak_fixed)s个，其中农村%(weak_rural)s个。")),
        chart="members",
    ),
    SectionSpec(
        "dispatch", gettext_noop("选派干部"),
        (("dispatched", "grassroots.dispatched"), ("stationed", "grassroots.stationed"),
         ("school_secretaries", "grassroots.dispatched[role=党组织书记,sector=学校|医院]"),
         ("village_posts", "grassroots.dispatched[role=下派任职,level=村(社区)]"),
         ("whole_teams", "grassroots.dispatch_teams[role=班子成员]"),
         ("religious_teams", "grassroots.dispatch_teams[role=班子成员,village_tag=信教群众聚居村]"),
         ("religious_secretaries", "grassroots.dispatched[role=党组织书记,village_tag=信教群众聚居村]")),
        (gettext_noop("期间选派干部%(dispatched)s名，期末在岗驻村（社区）力量%(stationed)s人。"),
         gettext_noop("为学校、医院党组织选派书记%(school_secretaries)s名，"
                      "下派到村（社区）任职的干部%(village_posts)s名。"),
         gettext_noop("以整建制方式选派领导班子%(whole_teams)s个，其中派往信教群众聚居村%(religious_teams)s个；"
                      "另为信教群众聚居村选派党组织书记%(religious_secretaries)s名。")),
        chart="dispatched",
    ),
    SectionSpec(
        "honors", gettext_noop("表彰激励"),
        (("collectives", "honors.collectives"), ("persons", "honors.persons"),
         ("province_collectives", "honors.collectives[grantor_level=省级]"),
         ("province_persons", "honors.persons[grantor_level=省级]")),
        (gettext_noop("期间受到表彰的集体%(collectives)s个、个人%(persons)s名。"),
         gettext_noop("获省级表彰的集体%(province_collectives)s个、个人%(province_persons)s名。")),
    ),
    SectionSpec(
        "rural", gettext_noop("巩固脱贫成果与乡村振兴"),
        (("degree", "grassroots.degree_trainees"), ("funds", "economy.support_funds"),
         ("funds_above", "economy.support_funds[source=中央|省级|市级]"),
         ("villages_above", "economy.supported_villages[source=中央|省级|市级]")),
        (gettext_noop("村（社区）干部参加学历提升新入学%(degree)s人。"),
         gettext_noop("拨付村级集体经济扶持资金%(funds)s元，其中中央、省、市三级资金%(funds_above)s元，"
                      "扶持了%(villages_above)s个村。")),
        chart="funds_above",
    ),
    SectionSpec(
        "orglife", gettext_noop("组织生活"),
        (("activities", "activities.count"), ("compliance", "orglife.compliance"),
         ("theme_day", "orglife.theme_day_compliance"), ("missing", "orglife.missing")),
        (gettext_noop("期间各级党组织在平台上记录活动%(activities)s次。"),
         gettext_noop("三会一课落实率为%(compliance)s，主题党日落实率为%(theme_day)s。"),
         gettext_noop("应开未开的组织生活共%(missing)s次，是下一步督促的重点。")),
        chart="compliance",
    ),
    SectionSpec(
        "struggles", gettext_noop("重大斗争一线"),
        (("assault", "grassroots.dispatched[role=突击队员]"), ("squads", "grassroots.dispatch_teams[role=突击队员]"),
         ("battle", "supervision.rounds[type=督战]"), ("battle_closed", "rectify.closed[source=督战]"),
         ("meetings", "activities.count[type=领导小组会议]"), ("adjusted", "grassroots.adjusted")),
        (gettext_noop("急难险重任务面前，%(assault)s名干部编成%(squads)s支突击队奔赴一线。"),
         gettext_noop("开展督战%(battle)s轮，督战发现的问题已销号%(battle_closed)s个。"),
         gettext_noop("领导小组开会研究推进%(meetings)s次，调整驻村干部%(adjusted)s名。")),
        chart="assault",
    ),
    SectionSpec(
        "supervision", gettext_noop("监督与整改"),
        (("rounds", "supervision.rounds"), ("found", "rectify.found"), ("closed", "rectify.closed"),
         ("on_time", "rectify.on_time_rate"), ("overdue", "rectify.overdue"),
         ("accountable", "accountability.persons")),
        (gettext_noop("开展督导督战%(rounds)s轮，发现问题%(found)s个，销号%(closed)s个。"),
         gettext_noop("按期整改率为%(on_time)s；期末逾期未整改的问题还有%(overdue)s个。"),
         gettext_noop("对履职不力的%(accountable)s人作出问责。")),
        chart="found",
        listing=Listing(gettext_noop("按问题类别，发现的问题中"), gettext_noop("%(name)s%(value)s个"),
                        "rectify.found[category={}]", tuple(ProblemCategory.values)),
    ),
    SectionSpec(
        "service", gettext_noop("为民服务"),
        (("items", "service.items"), ("completed", "service.completed"), ("rate", "service.completion_rate"),
         ("beneficiaries", "service.beneficiaries")),
        (gettext_noop("“我为群众办实事”承诺%(items)s件，办结%(completed)s件。"),
         gettext_noop("办实事按期办结率为%(rate)s。"),
         gettext_noop("办结的事项惠及群众%(beneficiaries)s人。")),
        chart="completed",
    ),
    SectionSpec(
        "burden", gettext_noop("作风建设与基层减负"),
        (("forms", "burden.forms_active"), ("reduction", "burden.forms_reduction"), ("entries", "burden.entries")),
        (gettext_noop("期末在用报表%(forms)s张，报表精简率为%(reduction)s。"),
         gettext_noop("基层通过平台录入记录%(entries)s条，一次录入，各方共用。")),
        chart="entries",
    ),
    SectionSpec(
        "discipline", gettext_noop("纪律建设"),
        (("cases", "discipline.cases_filed"), ("surrender", "discipline.self_surrender"),
         ("forms", "discipline.four_forms"), ("recommendations", "discipline.recommendations"),
         ("sessions", "discipline.warning_sessions"), ("audience", "discipline.warning_audience")),
        (gettext_noop("纪检监察机关立案%(cases)s件，%(surrender)s人主动投案。"),
         gettext_noop("运用“四种形态”处理%(forms)s人次。"),
         gettext_noop("发出纪检监察建议书%(recommendations)s份。"),
         gettext_noop("开展警示教育%(sessions)s场次，受教育%(audience)s人次。")),
        chart="sessions", restricted=True,
    ),
)

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass
class ReviewFigure:
    key: str
    value: int | float | None
    url: str | None

    @property
    def label(self) -> str:
        return figures.label(self.key)

    @property
    def display(self) -> str:
        return figures.fmt(self.value, self.key)

    @property
    def is_rate(self) -> bool:
        return figures.is_rate(self.key)


@dataclass
class ChartBar:
    org: Organization
    value: int | float | None
    display: str
    url: str | None


@dataclass
class ReviewSection:
    id: str
    title: str
    number: int
    # Each sentence is a list of segments: plain text (str) or a figure.
    sentences: list[list] = field(default_factory=list)
    figures: list[ReviewFigure] = field(default_factory=list)
    chart_key: str | None = None
    chart: list[ChartBar] = field(default_factory=list)

    @property
    def chart_label(self) -> str:
        return figures.label(self.chart_key) if self.chart_key else ""

    @property
    def chart_is_rate(self) -> bool:
        return bool(self.chart_key and figures.is_rate(self.chart_key))

    def plain_sentences(self) -> list[str]:
        return ["".join(s if isinstance(s, str) else s.display for s in sentence) for sentence in self.sentences]


@dataclass
class Review:
    org: Organization
    start: dt.date
    end: dt.date
    title: str
    subtitle: str
    intro: str
    sections: list[ReviewSection]
    base_url: str = ""

    def absolute(self, url: str | None) -> str | None:
        return f"{self.base_url.rstrip('/')}{url}" if url and self.base_url else url


def _sentence(template: str, by_alias: dict[str, ReviewFigure]) -> list | None:
    """The translated sentence split into text and figures; None when a figure has no value or all are 0."""
    text = _(template)
    segments: list = []
    used: list[ReviewFigure] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        fig = by_alias[match.group(1)]
        if fig.value is None:
            return None
        used.append(fig)
        if match.start() > position:
            segments.append(text[position:match.start()])
        segments.append(fig)
        position = match.end()
    if position < len(text):
        segments.append(text[position:])
    if not (get_language() or "zh").startswith("zh"):
        segments.append(" ")  # Chinese sentences run on; English ones need a space between them
    if used and all(fig.value == 0 for fig in used):
        return None  # nothing happened: the table still shows the zeros, the prose does not dwell on them
    return segments


def _listing(listing: Listing, found: list[ReviewFigure]) -> list | None:
    """The listing's sentence over the figures not 0; None when every one is 0 or has no value."""
    english = not (get_language() or "zh").startswith("zh")
    segments: list = [_(listing.lead)]
    shown = [(value, fig) for value, fig in zip(listing.values, found, strict=True) if fig.value]
    if not shown:
        return None
    for n, (value, fig) in enumerate(shown):
        if n:
            segments.append(", " if english else "、")
        text = _(listing.item).replace("%(name)s", figures.value_label(listing.key.split("[")[1].split("=")[0], value))
        before, _mark, after = text.partition("%(value)s")
        segments += [part for part in (before, fig, after) if part != ""]
    segments.append(". " if english else "。")
    return segments


def visible_sections(user) -> list[SectionSpec]:
    """The sections the user may read: the discipline section for the discipline roles alone."""
    return [s for s in SECTIONS if not s.restricted or user.sees_discipline]


def chart_keys(specs) -> list[str]:
    """The keys compared across the child organizations."""
    return [dict(spec.figures)[spec.chart] for spec in specs if spec.chart]


def build_sections(specs, values: dict, org, link: Callable[[str, Any], str | None],
                   children: list[tuple[Any, dict]]) -> list[ReviewSection]:
    """The review's sections from the values of `org` (every key of the specs) and of its children (each
    section's chart key): a table of figures, the sentences whose figures all have a value, the listing's
    sentence over the values that have one, and the chart across the children. `link(key, org or child)` is a
    figure's drill-through. The city's review and the province's (qingfeng.federation.review) are both this."""
    sections = []
    for number, spec in enumerate(specs, start=1):
        by_alias = {alias: ReviewFigure(key, values[key], link(key, org)) for alias, key in spec.figures}
        section = ReviewSection(spec.id, _(spec.title), number, figures=list(by_alias.values()))
        for template in spec.sentences:
            sentence = _sentence(template, by_alias)
            if sentence is not None:
                section.sentences.append(sentence)
        if spec.listing is not None:
            listed = [ReviewFigure(key, values[key], link(key, org)) for key in spec.listing.keys()]
            if any(fig.value is not None for fig in listed):  # a province answers them only where facts hold them
                section.figures += listed
                sentence = _listing(spec.listing, listed)
                if sentence is not None:
                    section.sentences.append(sentence)
        if not section.sentences:
            section.sentences.append([_("本期没有相关记录。")])
        if spec.chart and children:
            key = dict(spec.figures)[spec.chart]
            section.chart_key = key
            section.chart = [ChartBar(c, v[key], figures.fmt(v[key], key), link(key, c)) for c, v in children]
        sections.append(section)
    return sections


CAMPAIGNS_SHOWN = 3  # the campaigns with most activities in the period, each a sentence
KEY_SYNTAX = re.compile(r"[,|\[\]=]")  # a campaign named with these cannot be written in a key


def _campaign_sentence(campaign: str, total: ReviewFigure, by_type: list[tuple[str, ReviewFigure]]) -> list:
    english = not (get_language() or "zh").startswith("zh")
    text = _("专题“%(campaign)s”开展活动%(total)s次").replace("%(campaign)s", campaign)
    before, _mark, after = text.partition("%(total)s")
    segments: list = [part for part in (before, total, after) if part != ""]
    shown = [(name, fig) for name, fig in by_type if fig.value]
    if shown:
        segments.append(_("，其中"))
        for n, (name, fig) in enumerate(shown):
            if n:
                segments.append(", " if english else "、")
            item = _("%(name)s%(value)s次").replace("%(name)s", figures.value_label("type", name))
            before, _mark, after = item.partition("%(value)s")
            segments += [part for part in (before, fig, after) if part != ""]
    segments.append(". " if english else "。")
    return segments


def _campaign_section(org, start: dt.date, end: dt.date, user, number: int) -> ReviewSection | None:
    """专题活动: each campaign the subtree's activities carry in the period (most activities first) with its
    activities counted by type, from activities.campaign_count; None when no activity names a campaign."""
    from django.db.models import Count

    from qingfeng.activities.models import Activity
    from qingfeng.indicators.engine import compute

    in_scope = Activity.objects.filter(org__path__startswith=org.path, date__gte=start, date__lte=end)
    if not getattr(user, "sees_discipline", False):
        in_scope = in_scope.exclude(type__is_restricted=True)
    counted = in_scope.exclude(campaign="").values("campaign").annotate(n=Count("id")).order_by("-n", "campaign")
    campaigns = [row["campaign"] for row in counted if not KEY_SYNTAX.search(row["campaign"])][:CAMPAIGNS_SHOWN]
    if not campaigns:
        return None
    pairs = (in_scope.filter(campaign__in=campaigns).values_list("campaign", "type__name").annotate(n=Count("id"))
             .order_by("campaign", "-n", "type__name"))
    types: dict[str, list[str]] = {c: [] for c in campaigns}
    for campaign, type_name, _n in pairs:
        types[campaign].append(type_name)
    keys = {c: (f"activities.campaign_count[campaign={c}]",
                [(t, f"activities.campaign_count[campaign={c},type={t}]") for t in types[c]]) for c in campaigns}
    values = compute(org, start, end, [k for total, by in keys.values() for k in [total, *(k for _t, k in by)]],
                     user=user)

    def fig(key: str) -> ReviewFigure:
        return ReviewFigure(key, values[key], figures.drill_url(key, org, start, end))

    section = ReviewSection("campaigns", _("专题活动"), number)
    for campaign in campaigns:
        total_key, by = keys[campaign]
        total = fig(total_key)
        by_type = [(t, fig(k)) for t, k in by]
        section.figures += [total, *(f for _t, f in by_type)]
        section.sentences.append(_campaign_sentence(campaign, total, by_type))
    return section


def build_review(org, start: dt.date, end: dt.date, user, base_url: str = "") -> Review:
    """The review for the organization's subtree and period, as the user may see it, in the active language."""
    from qingfeng.indicators.engine import compute, compute_many
    from qingfeng.orgs.models import Organization

    specs = visible_sections(user)
    values = compute(org, start, end, [key for spec in specs for key in spec.keys()], user=user)
    children = list(Organization.objects.filter(parent=org).active_on(end).order_by("code"))
    child_values = compute_many(children, start, end, chart_keys(specs), user=user)

    sections = build_sections(specs, values, org, lambda key, o: figures.drill_url(key, o, start, end),
                              [(c, child_values[c.pk]) for c in children])
    campaigns = _campaign_section(org, start, end, user, len(sections) + 1)
    if campaigns is not None:
        sections.append(campaigns)
    title = _("%(org)s党建工作综述") % {"org": org.name}
    subtitle = _("（%(start)s至%(end)s）") % {"start": start.isoformat(), "end": end.isoformat()}
    intro = "".join([
        _("本综述根据基层一次录入的记录自动生成。"),
        _("文中每个数字都可追溯到构成它的记录。"),
        _("统计范围：%(org)s（%(code)s）及其所属组织。") % {"org": org.name, "code": org.code},
    ])
    return Review(org, start, end, title, subtitle, intro, sections, base_url)
