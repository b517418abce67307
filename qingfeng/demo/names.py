"""Word pools for synthetic people and synthetic units. People are invented; the mix of surnames
leans on what is common in Shanxi (王, 李, 张, 刘, 赵, 郭, 杨 …)."""

from __future__ import annotations

import random

# (surname, weight)
SURNAMES = [
    ("王", 90), ("李", 75), ("张", 70), ("刘", 60), ("赵", 40), ("郭", 38), ("杨", 35), ("陈", 25), ("武", 22),
    ("任", 20), ("梁", 18), ("韩", 18), ("贾", 17), ("高", 17), ("吴", 15), ("田", 14), ("孙", 14), ("马", 14),
    ("乔", 12), ("薛", 12), ("侯", 12), ("史", 11), ("段", 11), ("冯", 11), ("闫", 11), ("郝", 10), ("白", 10),
    ("范", 10), ("牛", 9), ("温", 9), ("秦", 9), ("宋", 9), ("许", 8), ("程", 8), ("霍", 8), ("曹", 8), ("董", 8),
    ("周", 8), ("卫", 6), ("常", 7), ("岳", 6), ("苏", 6), ("申", 6), ("阎", 6), ("裴", 5), ("徐", 7), ("胡", 7),
    ("朱", 7), ("孟", 6), ("尹", 5), ("相", 3), ("皇甫", 1), ("令狐", 1), ("司马", 1), ("赫", 2), ("靳", 4),
    ("原", 3), ("冀", 4), ("畅", 2), ("药", 2), ("弓", 2), ("雷", 4), ("樊", 4), ("柴", 4), ("康", 5), ("崔", 5),
]
MALE_CHARS = "伟刚强军勇磊涛斌鹏杰峰超浩宇明辉建国志华文亮平晋龙飞俊凯锋彬波东海宏斌晨鑫瑞泽振兴旭阳继忠永"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲洁婷萍红梅琳雪慧颖倩媛丹璐佳欣悦蕾晶瑶莉荣秀英兰凤霞春桂月云"
NEUTRAL_CHARS = "文晓小海新雅子一心安思宁嘉立清秋晋"

ETHNICITIES = [("汉族", 985), ("回族", 8), ("满族", 4), ("蒙古族", 2), ("壮族", 1)]

COMMUNITY_WORDS = (
    "和平 康宁 长风 解放 五一 文兴 府东 坞城 建设 学府 体育 亲贤 南内环 北营 双塔 桃园 新建 胜利 晋阳 并州 "
    "汾河 迎春 景苑 锦绣 龙城 丽华 富力 星河 御苑 阳光 和谐 丰泽 滨河 兴华 晋祠 柳溪 青年 西山 东山 恒大 "
    "金地 南寨 大马 漪汾 千峰 长治 许坦 平阳 真武 小店 黄陵 红沟 东岗 老军营 朝阳 玉门 新村 北城 南城"
).split()
COMMUNITY_SUFFIX = ["社区", "东社区", "西社区", "南社区", "北社区", "苑社区", "里社区", "园社区"]
VILLAGE_WORDS = (
    "东 西 南 北 上 下 前 后 大 小 新 旧 王 李 张 刘 赵 郭 杨 高 马 武 石 沙 河 柳 杏 枣 梨 桃 杨 槐 松 "
    "峪 沟 坪 庄 堡 寨 岭 湾 泉 头 窑 坡 滩 底 店 口 营"
).split()
UNIT_WORDS = (
    "晋阳 龙城 汾河 并州 三晋 太行 晋源 恒通 鑫源 华信 宏达 泰丰 安泰 金鼎 瑞丰 中兴 新达 博远 昌盛 永泰 "
    "汇通 德馨 凯达 天成 润丰 方圆 合力 诚信 嘉禾 宏图 聚源 晟达 华晋 兴业 联创 远航 锦程 丰源 信达 同创"
).split()
ENTERPRISE_TRADES = [
    "科技有限公司", "建筑工程有限公司", "商贸有限公司", "物流有限公司", "餐饮管理有限公司", "物业服务有限公司",
    "机械制造有限公司", "新材料有限公司", "信息技术有限公司", "食品有限公司", "医药连锁有限公司", "汽车服务有限公司",
    "煤机配件有限公司", "农业开发有限公司", "文化传媒有限公司", "电子商务有限公司",
]
SOCIAL_KINDS = [
    "商会", "行业协会", "志愿者协会", "社会工作服务中心", "养老服务中心", "律师事务所", "会计师事务所", "民办幼儿园",
    "职业培训学校", "慈善基金会", "书法家协会", "老年人协会",
]


def weighted_picker(pairs: list[tuple[str, int]]):
    values = [v for v, _w in pairs]
    cumulative = []
    total = 0
    for _v, w in pairs:
        total += w
        cumulative.append(total)
    return values, cumulative


_SURNAMES = weighted_picker(SURNAMES)
_ETHNICITIES = weighted_picker(ETHNICITIES)


def person_name(rng: random.Random, male: bool) -> str:
    surname = rng.choices(_SURNAMES[0], cum_weights=_SURNAMES[1])[0]
    pool = MALE_CHARS if male else FEMALE_CHARS
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    first = rng.choice(NEUTRAL_CHARS) if rng.random() < 0.35 else rng.choice(pool)
    return surname + first + rng.choice(pool)


def ethnicity(rng: random.Random) -> str:
    return rng.choices(_ETHNICITIES[0], cum_weights=_ETHNICITIES[1])[0]


def community_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(COMMUNITY_WORDS) + rng.choice(COMMUNITY_SUFFIX)
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(COMMUNITY_WORDS)}第{len(used) + 1}社区"
    used.add(name)
    return name


def village_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_WORDS) + "村"
        if name not in used and name[0] != name[1]:
            used.add(name)
            return name
    name = f"{rng.choice(VILLAGE_WORDS)}家{len(used) + 1}村"
    used.add(name)
    return name


def enterprise_name(rng: random.Random, place: str) -> str:
    return f"山西{rng.choice(UNIT_WORDS)}{rng.choice(UNIT_WORDS)}{rng.choice(ENTERPRISE_TRADES)}".replace("山西", place, 1)


def social_org_name(rng: random.Random, place: str) -> str:
    return f"{place}{rng.choice(UNIT_WORDS)}{rng.choice(SOCIAL_KINDS)}"
