"""How big each demo scale is. Counts are (low, high) ranges drawn per unit with the fixed seed.

tiny     ≈ 400 organizations / 7,000 members — used by the test suite; still reproduces every figure.
small    ≈ 2,000 / 40,000 — the default; under a minute on SQLite.
city     ≈ 19,000 / 400,000 — Taiyuan at real scale, on PostgreSQL.
province ≈ 100,000 / 2,000,000 — for benchmarks only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    communities: tuple[int, int]  # per 街道
    villages: tuple[int, int]  # per 镇 / 乡
    community_branches: tuple[int, int]
    village_general_share: float  # villages organized as 党总支 with branches
    township_units: tuple[int, int]  # schools, clinics and two-new branches under a township
    county_departments: int  # branches of county organs (of the list in tree.DEPARTMENTS)
    county_units: tuple[int, int]  # schools / hospitals / enterprises / two-new per county
    city_departments: int
    city_units: tuple[int, int]
    sub_branches: tuple[int, int]  # branches inside a big unit (university, hospital, enterprise)
    members: float  # multiplier on the members of a branch
    entities: tuple[int, int, int, int]  # 两新 register: non-public (all, covered), social (all, covered)
    life_start: dt.date = dt.date(2020, 1, 1)  # first month of background organizational life


SCALES = {
    "tiny": Scale("tiny", (1, 1), (1, 1), (1, 2), 0.2, (0, 1), 6, (1, 2), 10, (1, 2), (1, 2), 0.6,
                  (25, 23, 20, 18), dt.date(2021, 1, 1)),
    "small": Scale("small", (2, 4), (4, 7), (2, 4), 0.3, (2, 5), 18, (4, 8), 30, (4, 6), (2, 4), 1.0,
                   (250, 230, 100, 90)),
    "city": Scale("city", (14, 22), (30, 45), (6, 10), 0.4, (14, 26), 34, (70, 100), 70, (70, 100), (5, 12), 1.0,
                  (2500, 2300, 1000, 900)),
    "province": Scale("province", (40, 60), (90, 130), (5, 9), 0.4, (40, 80), 34, (200, 300), 70, (200, 300),
                      (5, 12), 1.0, (12500, 11500, 5000, 4500)),
}
