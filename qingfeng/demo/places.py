"""Real places of the demo city: Taiyuan's county-level units (GB/T 2260) and their township-level units.

Township names follow reference/domain-research.md §5.2; within each county we number 街道 from 001,
镇 from 100 and 乡 from 200, in the order listed there (the NBS suffix order itself is not reproduced)."""

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


@dataclass(frozen=True)
class Township:
    code: str
    name: str  # 平阳路街道党工委
    place: str  # 平阳路街道
    kind: str  # 街道 / 镇 / 乡
    county: County


def townships() -> list[Township]:
    result = []
    for county in COUNTIES:
        for start, kind, names in ((1, "街道", county.streets), (100, "镇", county.towns), (200, "乡", county.townships)):
            for i, name in enumerate(names):
                place = f"{name}{kind}"
                committee = f"{place}党工委" if kind == "街道" else f"{place}党委"
                result.append(Township(f"{county.code}{start + i:03d}", committee, place, kind, county))
    return result
