"""Real places of the demo cities: Taiyuan's county-level units (GB/T 2260) and their township-level units, and
those of a second city, Datong (大同, 140200), for a province of two cities (`qingfeng demo --city 140200`,
docs/federation.md).

Taiyuan's township names follow reference/domain-research.md §5.2; Datong's are a selection of its towns and
townships (GB/T 2260 county codes, after the 2018 district reform), not the complete NBS list. Within each county
we number 街道 from 001, 镇 from 100 and 乡 from 200, in the order listed (the NBS suffix order itself is not
reproduced)."""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "140100"
CITY_NAME = "中共太原市委"


@dataclass(frozen=True)
class County:
    code: str
    place: str  # 小店区
    committee: str  # 中共小店区委
    unit: str  # 区 / 县 / 市: used in names of its organs (区委办公室, 县委办公室 …)
    streets: tuple[str, ...]
    towns: tuple[str, ...]
    townships: tuple[str, ...]  # 乡


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


COUNTIES = [
    County("140105", "小店区", "中共小店区委", "区", _split("坞城 营盘 北营 平阳路 黄陵 小店 龙城"), _split("北格"),
           _split("西温庄 刘家堡")),
    County("140106", "迎泽区", "中共迎泽区委", "区", _split("柳巷 文庙 庙前 迎泽 桥东 老军营"), _split("郝庄"), ()),
    County("140107", "杏花岭区", "中共杏花岭区委", "区",
           _split("巨轮 三桥 鼓楼 杏花岭 坝陵桥 大东关 职工新街 敦化坊 涧河 杨家峪 享堂"), _split("中涧河"), ()),
    County("140108", "尖草坪区", "中共尖草坪区委", "区", _split("尖草坪 光社 上兰 南寨 迎新街 古城 汇丰 柴村 新城"),
           _split("向阳 阳曲"), _split("柏板 西墕")),
    County("140109", "万柏林区", "中共万柏林区委", "区",
           _split("千峰 下元 和平 兴华 万柏林 杜儿坪 白家庄 南寒 东社 小井峪 西铭 长风西街 神堂沟 王化"), (), ()),
    County("140110", "晋源区", "中共晋源区委", "区", _split("义井 罗城 晋源"), _split("金胜 晋祠 姚村"), ()),
    County("140121", "清徐县", "中共清徐县委", "县", (), _split("清源 徐沟 东于 孟封"), _split("马峪 柳杜 西谷 王答 集义")),
    County("140122", "阳曲县", "中共阳曲县委", "县", (), _split("黄寨 大盂 东黄水 泥屯"), _split("高村 侯村 凌井店 西凌井 杨兴")),
    County("140123", "娄烦县", "中共娄烦县委", "县", (), _split("娄烦 静游 杜交曲"), _split("马家庄 盖家庄 米峪镇 天池店")),
    County("140181", "古交市", "中共古交市委", "市", _split("东曲 西曲 桃园 屯兰"), _split("河口 镇城底 马兰"),
           _split("嘉乐泉 梭峪 岔口 常安 原相 邢家社")),
]

COUNTY_BY_CODE = {c.code: c for c in COUNTIES}
# The two counties the article calls poverty counties (贫困县).
POOR_COUNTIES = ("140122", "140123")

DATONG_COUNTIES = [
    County("140212", "新荣区", "中共新荣区委", "区", (), _split("新荣 堡子湾"), _split("破鲁堡 郭家窑 西村 上深涧 花园屯")),
    County("140213", "平城区", "中共平城区委", "区", _split("新华街 北关 南关 西街 大庆路 向阳里"), (), _split("水泊寺")),
    County("140214", "云冈区", "中共云冈区委", "区", (), _split("云冈 高山 口泉"), _split("西韩岭")),
    County("140215", "云州区", "中共云州区委", "区", (), _split("西坪 倍加造 周士庄"), _split("吉家庄 峰峪 党留庄 杜庄 瓜园 许堡")),
    County("140221", "阳高县", "中共阳高县委", "县", (), _split("龙泉 罗文皂 大白登 王官屯 古城 东小村"), _split("友宰 下深井 长城 北徐屯")),
    County("140222", "天镇县", "中共天镇县委", "县", (), _split("玉泉 谷前堡 米薪关 新平堡"), _split("逯家湾 赵家沟 南高崖 张西河 马家皂")),
    County("140223", "广灵县", "中共广灵县委", "县", (), _split("壶泉 南村 一斗泉 加斗"), _split("蕉山 梁庄 宜兴 望狐")),
    County("140224", "灵丘县", "中共灵丘县委", "县", (), _split("武灵 东河南 上寨 落水河 史庄 赵北"), _split("独峪 石家田 白崖台 红石塄")),
    County("140225", "浑源县", "中共浑源县委", "县", (), _split("永安 西坊城 蔡村 沙圪坨 王庄堡 大磁窑"), _split("驼峰 西留 裴村 千佛岭 大仁庄")),
    County("140226", "左云县", "中共左云县委", "县", (), _split("云兴 鹊儿山 店湾 管家堡 三屯"), _split("张家场 水窑")),
]


@dataclass(frozen=True)
class City:
    code: str
    committee: str  # 中共太原市委
    place: str  # 太原市
    short: str  # 太原: in names of its units (太原市第一中学 …)
    counties: tuple[County, ...]
    poor: tuple[str, ...]  # its poverty counties (贫困县)
    seed_offset: int = 0  # a second city draws other people and records from the demo's seed
    # Where the demo users work: the district of `xiaodian` (and of the demo forms), the street of `branch`.
    district: str = "140105"
    street: str = "140105004"


TAIYUAN = City(CITY_CODE, CITY_NAME, "太原市", "太原", tuple(COUNTIES), POOR_COUNTIES)
DATONG = City("140200", "中共大同市委", "大同市", "大同", tuple(DATONG_COUNTIES), ("140222", "140224"), seed_offset=1,
              district="140212", street="140212100")
CITIES = {c.code: c for c in (TAIYUAN, DATONG)}


@dataclass(frozen=True)
class Township:
    code: str
    name: str  # 平阳路街道党工委
    place: str  # 平阳路街道
    kind: str  # 街道 / 镇 / 乡
    county: County


def townships(city: City | None = None) -> list[Township]:
    result = []
    for county in (city.counties if city else COUNTIES):
        for start, kind, names in ((1, "街道", county.streets), (100, "镇", county.towns), (200, "乡", county.townships)):
            for i, name in enumerate(names):
                place = f"{name}{kind}"
                committee = f"{place}党工委" if kind == "街道" else f"{place}党委"
                result.append(Township(f"{county.code}{start + i:03d}", committee, place, kind, county))
    return result


def city_of(root_code: str) -> City:
    return CITIES.get(root_code, TAIYUAN)
