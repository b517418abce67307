"""The organization tree of the demo city: real city, county and township committees with their codes,
synthetic communities, villages and branches of every sector below them."""

from __future__ import annotations

import datetime as dt
import random

from qingfeng.demo import names
from qingfeng.demo.places import TAIYUAN, City, County, Township, townships
from qingfeng.demo.scales import Scale
from qingfeng.orgs.models import PATH_SEP, Kind, Level, Sector

# Organs of a city or county; (name, sector). Names are generic Chinese government units.
CITY_DEPARTMENTS = [
    ("市委办公室", Sector.GOVERNMENT), ("市政府办公室", Sector.GOVERNMENT), ("市委组织部", Sector.GOVERNMENT),
    ("市委党校", Sector.PUBLIC_INSTITUTION), ("市委宣传部", Sector.GOVERNMENT), ("市委统战部", Sector.GOVERNMENT), ("市委政法委", Sector.GOVERNMENT),
    ("市纪委监委机关", Sector.GOVERNMENT), ("市发展和改革委员会", Sector.GOVERNMENT), ("市教育局", Sector.GOVERNMENT),
    ("市公安局", Sector.GOVERNMENT), ("市民政局", Sector.GOVERNMENT), ("市司法局", Sector.GOVERNMENT),
    ("市财政局", Sector.GOVERNMENT), ("市人力资源和社会保障局", Sector.GOVERNMENT),
    ("市规划和自然资源局", Sector.GOVERNMENT), ("市生态环境局", Sector.GOVERNMENT),
    ("市住房和城乡建设局", Sector.GOVERNMENT), ("市城乡管理局", Sector.GOVERNMENT), ("市交通运输局", Sector.GOVERNMENT),
    ("市水务局", Sector.GOVERNMENT), ("市农业农村局", Sector.GOVERNMENT), ("市商务局", Sector.GOVERNMENT),
    ("市文化和旅游局", Sector.GOVERNMENT), ("市卫生健康委员会", Sector.GOVERNMENT), ("市退役军人事务局", Sector.GOVERNMENT),
    ("市应急管理局", Sector.GOVERNMENT), ("市审计局", Sector.GOVERNMENT), ("市市场监督管理局", Sector.GOVERNMENT),
    ("市统计局", Sector.GOVERNMENT), ("市医疗保障局", Sector.GOVERNMENT), ("市信访局", Sector.GOVERNMENT),
    ("市行政审批服务管理局", Sector.GOVERNMENT), ("市人民检察院", Sector.GOVERNMENT), ("市中级人民法院", Sector.GOVERNMENT),
    ("市总工会", Sector.GOVERNMENT), ("团市委", Sector.GOVERNMENT), ("市妇联", Sector.GOVERNMENT), ("市科协", Sector.GOVERNMENT),
    ("市档案馆", Sector.PUBLIC_INSTITUTION),
    ("市融媒体中心", Sector.PUBLIC_INSTITUTION), ("市图书馆", Sector.PUBLIC_INSTITUTION),
    ("市气象局", Sector.PUBLIC_INSTITUTION), ("市公共资源交易中心", Sector.PUBLIC_INSTITUTION),
]
COUNTY_DEPARTMENTS = [
    ("{u}委办公室", Sector.GOVERNMENT), ("{u}政府办公室", Sector.GOVERNMENT), ("{u}委组织部", Sector.GOVERNMENT),
    ("{u}委党校", Sector.PUBLIC_INSTITUTION), ("{u}委宣传部", Sector.GOVERNMENT), ("{u}委统战部", Sector.GOVERNMENT), ("{u}委政法委", Sector.GOVERNMENT),
    ("{u}纪委监委机关", Sector.GOVERNMENT), ("{u}发展和改革局", Sector.GOVERNMENT), ("{u}教育局", Sector.GOVERNMENT),
    ("{u}公安局", Sector.GOVERNMENT), ("{u}民政局", Sector.GOVERNMENT), ("{u}司法局", Sector.GOVERNMENT),
    ("{u}财政局", Sector.GOVERNMENT), ("{u}人力资源和社会保障局", Sector.GOVERNMENT), ("{u}住房和城乡建设局", Sector.GOVERNMENT),
    ("{u}农业农村局", Sector.GOVERNMENT), ("{u}卫生健康局", Sector.GOVERNMENT), ("{u}应急管理局", Sector.GOVERNMENT),
    ("{u}审计局", Sector.GOVERNMENT), ("{u}市场监督管理局", Sector.GOVERNMENT), ("{u}信访局", Sector.GOVERNMENT),
    ("{u}行政审批服务管理局", Sector.GOVERNMENT), ("{u}人民检察院", Sector.GOVERNMENT), ("{u}人民法院", Sector.GOVERNMENT),
    ("{u}总工会", Sector.GOVERNMENT), ("{u}妇联", Sector.GOVERNMENT),
    ("{u}融媒体中心", Sector.PUBLIC_INSTITUTION), ("{u}档案馆", Sector.PUBLIC_INSTITUTION),
    ("{u}退役军人事务局", Sector.GOVERNMENT), ("{u}统计局", Sector.GOVERNMENT), ("{u}医疗保障局", Sector.GOVERNMENT),
    ("{u}文化和旅游局", Sector.GOVERNMENT), ("{u}交通运输局", Sector.GOVERNMENT),
]
HOSPITAL_BRANCHES = ["内科党支部", "外科党支部", "医技党支部", "护理党支部", "行政后勤党支部", "离退休党支部", "门诊党支部",
                     "妇儿党支部", "急诊党支部", "药剂党支部", "感染科党支部", "康复党支部"]
UNIVERSITY_BRANCHES = ["机关党支部", "计算机学院党支部", "经济管理学院党支部", "马克思主义学院党支部", "外国语学院党支部",
                       "机械工程学院党支部", "化学化工学院党支部", "艺术学院党支部", "学生第一党支部", "学生第二党支部",
                       "离退休党支部", "图书馆党支部"]
ENTERPRISE_BRANCHES = ["机关党支部", "生产第一党支部", "生产第二党支部", "营销党支部", "技术中心党支部", "物资供应党支部",
                       "安全环保党支部", "离退休党支部", "运营党支部", "项目部党支部", "财务党支部", "后勤服务党支部"]
COMMUNITY_BRANCHES = ["第一网格党支部", "第二网格党支部", "第三网格党支部", "第四网格党支部", "离退休党员党支部",
                      "流动党员党支部", "物业党支部", "第五网格党支部", "第六网格党支部", "在职党员党支部",
                      "第七网格党支部", "第八网格党支部"]
VILLAGE_BRANCHES = ["第一党支部", "第二党支部", "第三党支部", "老年党员党支部", "产业党支部"]
UNIVERSITIES = ["太原学院", "太原城市职业技术学院", "太原旅游职业学院", "太原幼儿师范高等专科学校", "太原电力高等专科学校",
                "太原开放大学", "太原市财贸职业学院", "太原市职业技术学院"]
CITY_HOSPITALS = ["太原市人民医院", "太原市中心医院", "太原市中医医院", "太原市妇幼保健院", "太原市儿童医院",
                  "太原市第二人民医院", "太原市第三人民医院", "太原市第四人民医院", "太原市第八人民医院",
                  "太原市第九人民医院", "太原市精神病医院", "太原市口腔医院", "太原市急救中心", "太原市疾病预防控制中心"]
CITY_ENTERPRISES = ["太原市城市建设投资集团有限公司", "太原市公共交通控股(集团)有限公司", "太原市热力集团有限责任公司",
                    "太原市自来水有限公司", "太原市燃气集团有限公司", "太原市投资控股集团有限公司", "太原市轨道交通集团有限公司",
                    "太原市文化旅游投资集团有限公司", "太原市农业投资集团有限公司", "太原市环境卫生集团有限公司",
                    "太原市市政工程集团有限公司", "太原市国有资产经营有限公司"]


# Villages per township in a poverty county, at least: the two counties' collective-economy funds reached 147
# villages (demo.registers), so even the smallest scale has well over that many there.
POOR_TOWNSHIP_VILLAGES = 11


class OrgRec:
    __slots__ = ("id", "code", "name", "parent", "path", "depth", "kind", "sector", "level", "division",
                 "established", "county", "tag", "next_child", "poor", "members", "term")

    def __init__(self, id, code, name, parent, kind, sector, level="", division="", established=None, tag=""):
        self.id = id
        self.code = code
        self.name = name
        self.parent = parent
        self.path = (parent.path if parent else PATH_SEP) + code + PATH_SEP
        self.depth = self.path.count(PATH_SEP) - 2
        self.kind = kind
        self.sector = sector
        self.level = level
        self.division = division
        self.established = established
        self.county = parent.county if parent else ""
        self.tag = tag
        self.next_child = 1
        self.poor = parent.poor if parent else False
        self.members: list = []
        self.term: tuple | None = None  # (held_on, years) of the latest election

    @property
    def is_branch(self) -> bool:
        return self.kind in (Kind.BRANCH, Kind.JOINT_BRANCH, Kind.TEMPORARY_BRANCH)


class TreeBuilder:
    def __init__(self, scale: Scale, rng: random.Random, table, place: City = TAIYUAN):
        self.scale = scale
        self.place = place
        self.rng = rng
        self.table = table  # bulk.Table for Organization
        self.orgs: list[OrgRec] = []
        self.by_code: dict[str, OrgRec] = {}
        self.by_tag: dict[str, list[OrgRec]] = {}

    # -- helpers -------------------------------------------------------------------------------------------
    def add(self, code, name, parent, kind, sector, level="", division="", established=None, tag="") -> OrgRec:
        org = OrgRec(self.table.new_id(), code, name, parent, kind, sector, level, division, established, tag)
        self.orgs.append(org)
        self.by_code[code] = org
        if tag:
            self.by_tag.setdefault(tag, []).append(org)
        return org

    def child(self, parent: OrgRec, name, kind, sector, width=2, tag="", level="", established="auto") -> OrgRec:
        code = f"{parent.code}{parent.next_child:0{width}d}"
        parent.next_child += 1
        if established == "auto":
            established = self.branch_founding(sector) if kind in (Kind.BRANCH, Kind.JOINT_BRANCH) else None
        return self.add(code, name, parent, kind, sector, level=level, established=established, tag=tag)

    def branch_founding(self, sector) -> dt.date | None:
        rng = self.rng
        if sector in (Sector.PRIVATE_ENTERPRISE, Sector.SOCIAL_ORGANIZATION) and rng.random() < 0.08:
            # New two-new branches founded during the article's year: compliance only counts later windows.
            return dt.date(2020, 3, 1) + dt.timedelta(days=rng.randrange(420))
        if rng.random() < 0.25:
            return None
        return dt.date(1985, 1, 1) + dt.timedelta(days=rng.randrange(365 * 33))

    def rand(self, bounds: tuple[int, int]) -> int:
        return self.rng.randint(*bounds)

    # -- the tree --------------------------------------------------------------------------------------------
    def build(self) -> list[OrgRec]:
        place = self.place
        city = self.add(place.code, place.committee, None, Kind.COMMITTEE, Sector.GOVERNMENT, Level.CITY, place.code,
                        tag="city")
        self.city_organs(city)
        by_county: dict[str, list[Township]] = {}
        for t in townships(place):
            by_county.setdefault(t.county.code, []).append(t)
        for county in place.counties:
            c = self.add(county.code, county.committee, city, Kind.COMMITTEE, Sector.GOVERNMENT, Level.COUNTY,
                         county.code, tag="county")
            c.county = county.code
            c.poor = county.code in place.poor
            for township in by_county.get(county.code, []):
                self.township(c, township)
            self.county_organs(c, county)
        return self.orgs

    def unit_with_branches(self, parent, name, sector, branch_names, tag, width=3) -> OrgRec:
        n = self.rand(self.scale.sub_branches)
        kind = Kind.COMMITTEE if n >= 4 else Kind.GENERAL_BRANCH
        if n <= 1:
            return self.child(parent, f"{name}党支部", Kind.BRANCH, sector, width=width, tag=tag)
        unit = self.child(parent, f"{name}{'党委' if kind == Kind.COMMITTEE else '党总支'}", kind, sector, width=width,
                          tag=tag + "_unit")
        for i in range(n):
            label = branch_names[i] if i < len(branch_names) else f"第{i + 1}党支部"
            self.child(unit, label, Kind.BRANCH, sector, tag=tag)
        return unit

    def city_organs(self, city: OrgRec) -> None:
        rng, scale, code, short = self.rng, self.scale, self.place.code, self.place.short
        organs = self.add(f"{code}901", f"中共{short}市直属机关工作委员会", city, Kind.WORKING_COMMITTEE, Sector.GOVERNMENT,
                          tag="organs")
        for i in range(scale.city_departments):
            name, sector = CITY_DEPARTMENTS[i % len(CITY_DEPARTMENTS)]
            name = short + name + ("" if i < len(CITY_DEPARTMENTS) else f"第{i // len(CITY_DEPARTMENTS) + 1}分支机构")
            if rng.random() < 0.35:
                self.unit_with_branches(organs, f"{name}机关", sector, [f"第{k}党支部" for k in range(1, 13)],
                                        "city_gov")
            else:
                self.child(organs, f"{name}机关党支部", Kind.BRANCH, sector, width=3, tag="city_gov")
        education = self.add(f"{code}902", f"中共{short}市委教育工作委员会", city, Kind.WORKING_COMMITTEE, Sector.SCHOOL,
                             tag="education")
        health = self.add(f"{code}903", f"中共{short}市卫生健康委员会委员会", city, Kind.COMMITTEE, Sector.HOSPITAL,
                          tag="health")
        soe = self.add(f"{code}904", f"中共{short}市人民政府国有资产监督管理委员会委员会", city, Kind.COMMITTEE,
                       Sector.STATE_ENTERPRISE, tag="soe")
        twonew = self.add(f"{code}905", f"中共{short}市非公有制经济组织和社会组织工作委员会", city,
                          Kind.WORKING_COMMITTEE, Sector.PRIVATE_ENTERPRISE, tag="twonew")
        units = self.rand(scale.city_units)
        for i in range(max(2, units // 6)):
            name = self.named(UNIVERSITIES[i % len(UNIVERSITIES)]) + ("" if i < len(UNIVERSITIES) else f"(第{i // 8 + 1}校区)")
            self.unit_with_branches(education, name, Sector.SCHOOL, UNIVERSITY_BRANCHES, "city_school")
        for i in range(max(1, units // 3)):
            self.child(education, f"{self.place.place}第{i + 1}中学校党支部", Kind.BRANCH, Sector.SCHOOL, width=3, tag="city_school")
        for i in range(max(2, units // 4)):
            name = self.named(CITY_HOSPITALS[i % len(CITY_HOSPITALS)]) + ("" if i < len(CITY_HOSPITALS) else f"第{i // 14 + 1}分院")
            self.unit_with_branches(health, name, Sector.HOSPITAL, HOSPITAL_BRANCHES, "city_hospital")
        for i in range(max(2, units // 4)):
            name = self.named(CITY_ENTERPRISES[i % len(CITY_ENTERPRISES)])
            if i >= len(CITY_ENTERPRISES):
                name = name.replace("有限", f"第{i // 12 + 1}分公司有限")
            self.unit_with_branches(soe, name, Sector.STATE_ENTERPRISE, ENTERPRISE_BRANCHES, "city_soe")
        self.two_new(twonew, self.place.place, units)

    def named(self, name: str) -> str:
        """A unit of the city: the Taiyuan lists name units after the city."""
        return name.replace("太原", self.place.short)

    def two_new(self, parent: OrgRec, place: str, units: int, private_services: bool = False) -> None:
        rng = self.rng
        for _ in range(max(2, units)):
            self.child(parent, names.enterprise_name(rng, place) + "党支部", Kind.BRANCH, Sector.PRIVATE_ENTERPRISE,
                       width=3, tag="nonpublic")
        for i in range(max(1, units // 4)):
            self.child(parent, f"{place}第{i + 1}非公企业联合党支部", Kind.JOINT_BRANCH, Sector.PRIVATE_ENTERPRISE,
                       width=3, tag="joint")
        for _ in range(max(1, units // 3)):
            self.child(parent, names.social_org_name(rng, place) + "党支部", Kind.BRANCH, Sector.SOCIAL_ORGANIZATION,
                       width=3, tag="social")
        if private_services:
            # 民办 schools and hospitals: where the city dispatches party secretaries.
            for i in range(max(2, units // 3)):
                self.child(parent, f"{place}{rng.choice(names.UNIT_WORDS)}民办学校{i + 1}党支部", Kind.BRANCH,
                           Sector.SCHOOL, width=3, tag="private_school")
            for i in range(max(1, units // 5)):
                self.child(parent, f"{place}{rng.choice(names.UNIT_WORDS)}民营医院{i + 1}党支部", Kind.BRANCH,
                           Sector.HOSPITAL, width=3, tag="private_hospital")

    def county_organs(self, c: OrgRec, county: County) -> None:
        rng, scale = self.rng, self.scale
        place, u = county.place, county.unit
        organs = self.add(f"{c.code}901", f"中共{place}直属机关工作委员会", c, Kind.WORKING_COMMITTEE, Sector.GOVERNMENT,
                          tag="organs")
        for i in range(scale.county_departments):
            pattern, sector = COUNTY_DEPARTMENTS[i % len(COUNTY_DEPARTMENTS)]
            name = place + pattern.format(u=u)[1:] if pattern.startswith("{u}") else pattern
            if i >= len(COUNTY_DEPARTMENTS):
                name += f"第{i // len(COUNTY_DEPARTMENTS) + 1}所"
            if rng.random() < 0.15:
                self.unit_with_branches(organs, f"{name}机关", sector, [f"第{k}党支部" for k in range(1, 13)],
                                        "county_gov")
            else:
                self.child(organs, f"{name}机关党支部", Kind.BRANCH, sector, width=3, tag="county_gov")
        units = self.rand(scale.county_units)
        education = self.add(f"{c.code}902", f"中共{place}教育系统委员会", c, Kind.COMMITTEE, Sector.SCHOOL,
                             tag="education")
        for i in range(max(2, units // 2)):
            label = f"{place}第{i + 1}中学" if i % 2 == 0 else f"{place}{rng.choice(names.UNIT_WORDS)}小学"
            self.child(education, f"{label}党支部", Kind.BRANCH, Sector.SCHOOL, width=3, tag="school")
        health = self.add(f"{c.code}903", f"中共{place}卫生健康系统委员会", c, Kind.COMMITTEE, Sector.HOSPITAL,
                          tag="health")
        hospitals = [f"{place}人民医院", f"{place}中医医院", f"{place}妇幼保健计划生育服务中心", f"{place}疾病预防控制中心"]
        for i in range(max(2, units // 8)):
            name = hospitals[i] if i < len(hospitals) else f"{place}第{i - 2}医院"
            if i == 0:
                self.unit_with_branches(health, name, Sector.HOSPITAL, HOSPITAL_BRANCHES, "hospital")
            else:
                self.child(health, f"{name}党支部", Kind.BRANCH, Sector.HOSPITAL, width=3, tag="hospital")
        soe = self.add(f"{c.code}904", f"中共{place}国有企业委员会", c, Kind.COMMITTEE, Sector.STATE_ENTERPRISE, tag="soe")
        for i in range(max(1, units // 10)):
            self.child(soe, f"{place}{rng.choice(names.UNIT_WORDS)}国有资本投资有限公司{i + 1}党支部", Kind.BRANCH,
                       Sector.STATE_ENTERPRISE, width=3, tag="soe_branch")
        twonew = self.add(f"{c.code}905", f"中共{place}非公有制经济组织和社会组织综合委员会", c, Kind.COMMITTEE,
                          Sector.PRIVATE_ENTERPRISE, tag="twonew")
        self.two_new(twonew, place, units, private_services=True)

    def township(self, c: OrgRec, t: Township) -> None:
        rng, scale = self.rng, self.scale
        tw = self.add(t.code, t.name, c, Kind.WORKING_COMMITTEE if t.kind == "街道" else Kind.COMMITTEE,
                      Sector.GOVERNMENT, Level.TOWNSHIP, t.code, tag="township")
        used: set[str] = set()
        if t.kind == "街道":
            tw.next_child = 1
            for _ in range(self.rand(scale.communities)):
                self.community(tw, names.community_name(rng, used))
        else:
            tw.next_child = 200
            count = self.rand(scale.villages)
            if c.poor:  # a poverty county's townships hold enough villages for its collective-economy support
                count = max(count, POOR_TOWNSHIP_VILLAGES)
            for _ in range(count):
                self.village(tw, names.village_name(rng, used))
        tw.next_child = 501
        self.child(tw, f"{t.place}机关党支部", Kind.BRANCH, Sector.GOVERNMENT, width=3, tag="township_gov")
        for _ in range(self.rand(scale.township_units)):
            roll = rng.random()
            if roll < 0.45:
                self.child(tw, names.enterprise_name(rng, t.county.place) + "党支部", Kind.BRANCH,
                           Sector.PRIVATE_ENTERPRISE, width=3, tag="nonpublic")
            elif roll < 0.6:
                self.child(tw, f"{t.place}第{tw.next_child - 500}非公企业联合党支部", Kind.JOINT_BRANCH,
                           Sector.PRIVATE_ENTERPRISE, width=3, tag="joint")
            elif roll < 0.78:
                self.child(tw, names.social_org_name(rng, t.place) + "党支部", Kind.BRANCH, Sector.SOCIAL_ORGANIZATION,
                           width=3, tag="social")
            elif roll < 0.92:
                label = f"{t.place}中心学校" if t.kind != "街道" else f"{t.place}{rng.choice(names.UNIT_WORDS)}小学"
                self.child(tw, f"{label}党支部", Kind.BRANCH, Sector.SCHOOL, width=3, tag="school")
            else:
                label = f"{t.place}卫生院" if t.kind != "街道" else f"{t.place}社区卫生服务中心"
                self.child(tw, f"{label}党支部", Kind.BRANCH, Sector.HOSPITAL, width=3, tag="hospital")

    def community(self, tw: OrgRec, name: str) -> None:
        n = self.rand(self.scale.community_branches)
        if n <= 1:
            self.child(tw, f"{name}党支部", Kind.BRANCH, Sector.COMMUNITY, width=3, level=Level.VILLAGE,
                       tag="community_org", established=None)
            self.by_tag.setdefault("community", []).append(self.orgs[-1])
            return
        kind = Kind.COMMITTEE if n >= 5 else Kind.GENERAL_BRANCH
        org = self.child(tw, f"{name}{'党委' if kind == Kind.COMMITTEE else '党总支'}", kind, Sector.COMMUNITY,
                         width=3, level=Level.VILLAGE, tag="community_org")
        for i in range(n):
            label = COMMUNITY_BRANCHES[i] if i < len(COMMUNITY_BRANCHES) else f"第{i + 1}网格党支部"
            self.child(org, label, Kind.BRANCH, Sector.COMMUNITY, tag="community")

    def village(self, tw: OrgRec, name: str) -> None:
        rng = self.rng
        if rng.random() < self.scale.village_general_share:
            org = self.child(tw, f"{name}党总支", Kind.GENERAL_BRANCH, Sector.RURAL, width=3, level=Level.VILLAGE,
                             tag="village_org")
            for i in range(rng.randint(2, 4)):
                self.child(org, VILLAGE_BRANCHES[i], Kind.BRANCH, Sector.RURAL, tag="village")
        else:
            self.child(tw, f"{name}党支部", Kind.BRANCH, Sector.RURAL, width=3, level=Level.VILLAGE, tag="village_org",
                       established=None)
            self.by_tag.setdefault("village", []).append(self.orgs[-1])

    def rows(self):
        for o in self.orgs:
            yield (o.id, o.code, o.name, o.parent.id if o.parent else None, o.path, o.depth, o.kind, o.sector, o.level,
                   o.division, o.established, None, o.term[0] if o.term else None, o.term[1] if o.term else None)


ORG_COLUMNS = ["id", "code", "name", "parent", "path", "depth", "kind", "sector", "level", "division_code",
               "established_on", "dissolved_on", "term_started_on", "term_years"]
