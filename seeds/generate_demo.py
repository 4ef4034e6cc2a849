"""Writes seeds/demo/demo.yaml: a fictional district with parks modelled on the source
documents. Deterministic (fixed seed). Run it only to change the dataset:

    python -m seeds.generate_demo

Every person, phone, ID number, enterprise and credit code is fictional: names are
placeholders, phones are in the 1380000xxxx block, ID numbers and credit codes use the
non-existent region code 999999, and every enterprise name ends in （演示）.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from domain.identifiers import CREDIT_CODE_CHARSET, credit_code_check_char, id_number_check_char

OUT = Path(__file__).resolve().parent / "demo" / "demo.yaml"
FICTIONAL_REGION = "999999"

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩朱秦许何吕施张孔曹严华金魏陶姜"
GIVEN = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]

TRADE_WORDS = {
    "HAZARDOUS_CHEMICALS": ["化工", "精细化学", "涂料"],
    "METALLURGY": ["冶金", "铝业", "铸造"],
    "DUST_EXPLOSION": ["木业", "粉体材料", "面粉"],
    "CONSTRUCTION": ["建设工程", "建筑安装"],
    "INDUSTRY_TRADE": ["纺织", "包装", "五金"],
    "MACHINERY": ["机械", "装备制造"],
    "FOOD": ["食品", "饮品"],
    "LOGISTICS": ["物流", "仓储"],
    "GAS": ["燃气"],
}
NAME_PREFIXES = [
    "安泰",
    "宏远",
    "瑞丰",
    "德昌",
    "华盛",
    "永固",
    "金川",
    "长兴",
    "新程",
    "恒通",
    "嘉和",
    "启明",
]


class People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[dict[str, Any]] = []
        self.n = 0

    def new(self) -> str:
        self.n += 1
        n = self.n
        name = SURNAMES[(n - 1) % len(SURNAMES)] + GIVEN[(n - 1) // len(SURNAMES) % len(GIVEN)]
        if n > len(SURNAMES) * len(GIVEN):
            name += str(n)
        born = date(1965, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 30))
        body = f"{FICTIONAL_REGION}{born:%Y%m%d}{self.rng.randrange(0, 1000):03d}"
        key = f"p{n:03d}"
        self.rows.append(
            {
                "key": key,
                "name": name,
                "id_number": body + id_number_check_char(body),
                "phone": f"1380000{n:04d}",
            }
        )
        return key


def credit_code(rng: random.Random) -> str:
    org = "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
    body = "91" + FICTIONAL_REGION + org
    return body + credit_code_check_char(body)


def holder(person: str, start: date, end: date | None = None, note: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"person": person, "start": start}
    if end is not None:
        row["end"] = end
    if note:
        row["note"] = note
    return row


def enterprise(
    rng: random.Random, people: People, code: str, trade: str, *, placarded: bool, used: set[str]
) -> dict[str, Any]:
    while True:
        name = rng.choice(NAME_PREFIXES) + rng.choice(TRADE_WORDS[trade]) + "有限公司（演示）"
        if name not in used:
            used.add(name)
            break
    staff = rng.choice([8, 15, 22, 28, 45, 80, 120, 260, 540])
    high = trade in {"HAZARDOUS_CHEMICALS", "METALLURGY", "CONSTRUCTION"}
    risk = rng.choice(["A", "B", "B", "C"] if not high else ["B", "C", "C", "D"])
    since = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 500))
    principal = people.new()
    ent: dict[str, Any] = {
        "code": code,
        "name": name,
        "credit_code": credit_code(rng),
        "trade": trade,
        "staff_count": staff,
        "risk_class": risk,
        "placarded": placarded,
        "posts": [
            {"kind": "ENTERPRISE_PRINCIPAL", "holders": [holder(principal, since)]},
            {"kind": "SAFETY_MANAGER", "holders": [holder(people.new(), since + timedelta(days=30))]},
            {
                "kind": "FRONTLINE",
                "title": "班组长",
                "holders": [holder(people.new(), since + timedelta(days=60))],
            },
        ],
    }
    return ent


def park(
    rng: random.Random,
    people: People,
    *,
    code: str,
    name: str,
    departments: list[tuple[str, str, list[str]]],
    enterprises_per_department: int,
    placard_every: int,
) -> dict[str, Any]:
    start = date(2023, 7, 16)
    secretary, director = people.new(), people.new()
    former_director = people.new()
    deputy_safety, deputy_build = people.new(), people.new()
    others = [people.new() for _ in range(2)]
    leader_posts: list[dict[str, Any]] = [
        {
            "key": f"{code}-secretary",
            "kind": "PARTY_SECRETARY",
            "title": "党工委书记",
            "holders": [holder(secretary, start)],
        },
        {
            "key": f"{code}-director",
            "kind": "COMMITTEE_DIRECTOR",
            "title": "管委会主任",
            "holders": [
                holder(former_director, date(2021, 3, 1), date(2024, 4, 30), "2024年4月调任"),
                holder(director, date(2024, 5, 6)),
            ],
        },
        {
            "key": f"{code}-deputy-safety",
            "kind": "DEPUTY_IN_CHARGE",
            "title": "分管安全生产副主任",
            "in_charge_of": [d[0] for d in departments[:2]],
            "holders": [holder(deputy_safety, start)],
        },
        {
            "key": f"{code}-deputy-build",
            "kind": "DEPUTY_IN_CHARGE",
            "title": "分管规划建设副主任",
            "in_charge_of": [d[0] for d in departments[2:4]],
            "holders": [holder(deputy_build, start)],
        },
    ]
    rest = departments[4:]
    for i, person in enumerate(others):
        share = rest[i::2]
        leader_posts.append(
            {
                "key": f"{code}-other-{i + 1}",
                "kind": "OTHER_LEADER",
                "title": "其他负责人（副主任）",
                "in_charge_of": [d[0] for d in share],
                "holders": [holder(person, start)],
            }
        )
    leaders_for_placards = [secretary, director, deputy_safety, deputy_build, *others]
    used: set[str] = set()
    deps = []
    counter = 0
    for dep_code, dep_name, trades in departments:
        head = people.new()
        dep: dict[str, Any] = {
            "code": dep_code,
            "name": dep_name,
            "posts": [
                {"kind": "DEPARTMENT_HEAD", "title": f"{dep_name}部长", "holders": [holder(head, start)]}
            ],
            "enterprises": [],
        }
        for _ in range(enterprises_per_department if trades else 0):
            counter += 1
            trade = trades[counter % len(trades)]
            placarded = counter % placard_every == 1
            ent = enterprise(rng, people, f"{code}-E{counter:03d}", trade, placarded=placarded, used=used)
            if placarded:
                ent["responsible"] = {
                    "since": date(2023, 8, 1),
                    "administrative": leaders_for_placards[counter % len(leaders_for_placards)],
                    "supervisory": head,
                    "enterprise": ent["posts"][0]["holders"][0]["person"],
                }
            dep["enterprises"].append(ent)
        deps.append(dep)
    return {"code": code, "name": name, "posts": leader_posts, "departments": deps}


def build() -> dict[str, Any]:
    rng = random.Random(20231715)
    people = People(rng)
    zhengyang = park(
        rng,
        people,
        code="ZY",
        name="正阳工业园区（演示）",
        departments=[
            ("AQSC", "安全生产部", ["HAZARDOUS_CHEMICALS", "METALLURGY", "DUST_EXPLOSION"]),
            ("GHJS", "规划建设部", ["CONSTRUCTION", "GAS"]),
            ("DZB", "党政办", []),
            ("CZCW", "财政财务部", []),
            ("JJYX", "经济运行部", ["INDUSTRY_TRADE", "FOOD", "LOGISTICS"]),
            ("GXJS", "高新技术产业部", ["MACHINERY", "INDUSTRY_TRADE"]),
            ("QYFW", "企业服务中心", ["FOOD", "LOGISTICS"]),
            ("FZB", "法制办", []),
        ],
        enterprises_per_department=6,
        placard_every=3,
    )
    xincheng = park(
        rng,
        people,
        code="XC",
        name="新城工业园区（演示）",
        departments=[
            ("AQGL", "安全管理科", ["HAZARDOUS_CHEMICALS", "DUST_EXPLOSION"]),
            ("GHJS", "规划建设科", ["CONSTRUCTION"]),
            ("JJFZ", "经济发展科", ["MACHINERY", "INDUSTRY_TRADE", "FOOD"]),
            ("ZHB", "综合办公室", []),
        ],
        enterprises_per_department=5,
        placard_every=4,
    )
    access = access_control(rng, people)
    return {
        "people": people.rows,
        "districts": [{"code": "YS", "name": "演示区", "parks": [zhengyang, xincheng]}],
        **access,
    }


def access_control(rng: random.Random, people: People) -> dict[str, Any]:
    """Who may do what beyond the posts: admins, agencies with contracts, machine clients.

    Dates here are days relative to the day the data is loaded (`*_days`), so the current
    contract is in force and the old one expired whenever the demo is loaded."""
    district_admin, platform_admin = people.new(), people.new()
    staff = [people.new(), people.new()]
    former_staff = people.new()
    return {
        "role_grants": [
            {"person": district_admin, "role": "admin", "unit": "YS", "start_days": -365, "note": "区管理员"},
            {
                "person": platform_admin,
                "role": "admin",
                "unit": None,
                "start_days": -365,
                "note": "平台管理员",
            },
        ],
        "agencies": [
            {
                "key": "zhenghe",
                "name": "（演示）正和安全技术服务有限公司",
                "credit_code": credit_code(rng),
                "members": [
                    {"person": staff[0], "start_days": -400},
                    {"person": staff[1], "start_days": -90},
                ],
                "contracts": [
                    {
                        "code": "ZH-FW-001",
                        "start_days": -180,
                        "end_days": 185,
                        "enterprises": [f"ZY-E{n:03d}" for n in (1, 2, 3, 4, 5)],
                    }
                ],
                "clients": [{"name": "（演示）正和安全技术服务平台"}],
            },
            {
                "key": "hengan",
                "name": "（演示）恒安安全技术服务有限公司",
                "credit_code": credit_code(rng),
                "members": [{"person": former_staff, "start_days": -900}],
                "contracts": [
                    {
                        "code": "HA-FW-007",
                        "start_days": -730,
                        "end_days": -366,
                        "enterprises": ["XC-E001", "XC-E002", "XC-E003"],
                    }
                ],
            },
        ],
        "district_clients": [{"name": "（演示）演示区应急管理局监管平台", "district": "YS"}],
    }


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = "# Generated by `python -m seeds.generate_demo`. Fictional: see that module's docstring.\n"
    OUT.write_text(
        header + yaml.safe_dump(build(), allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
