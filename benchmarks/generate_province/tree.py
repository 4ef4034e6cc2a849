"""The tree, its enterprises' profiles, the posts, persons and tenures, built in memory."""

from __future__ import annotations

import random
from dataclasses import dataclass

from benchmarks.generate_province.shape import DEPARTMENTS, DEPUTIES, Enterprise, Options, Summary, spread
from benchmarks.synthetic import (
    PARK_LEADERS,
    SINCE,
    Recorder,
    Row,
    Rows,
)


@dataclass
class Tree:
    parks: list[tuple[Row, list[Row]]]  # (park, departments)
    enterprises: list[Enterprise]
    recorders: dict[str, list[Recorder]]


def generate_tree(rng: random.Random, rows: Rows, opts: Options, summary: Summary) -> Tree:
    unit, person, post, hold = rows.unit, rows.person, rows.post, rows.hold
    districts = [unit("DISTRICT", f"D{d + 1:02d}", f"演示区{d + 1:02d}", None) for d in range(opts.districts)]
    parks: list[tuple[Row, list[Row]]] = []
    for p in range(opts.parks):
        district = districts[p * opts.districts // opts.parks]
        park = unit("PARK", f"P{p + 1:03d}", f"演示园区{p + 1:03d}", district)
        parks.append((park, [unit("DEPARTMENT", f"D{d + 1:02d}", f"部室{d + 1:02d}（演示）", park)
                             for d in range(DEPARTMENTS)]))  # fmt: skip
    # Enterprises, evenly over the parks and, within a park, over its departments.
    ents: list[tuple[int, int, Row]] = []  # (park index, department index, unit)
    n = 0
    for p, (_, departments) in enumerate(parks):
        count = spread(opts.enterprises, opts.parks, p)
        for i in range(count):
            d = i * DEPARTMENTS // count
            n += 1
            ent = rows.enterprise(rng, n, f"E{n:06d}", f"企业{n:06d}（演示）", departments[d])
            ents.append((p, d, ent))
    placarded = sum(1 for _, _, e in ents if e["placarded"])
    summary.placarded = placarded
    fixed = opts.parks * (len(PARK_LEADERS) + DEPUTIES + DEPARTMENTS) + 2 * len(ents) + 3 * placarded
    frontline = max(0, opts.posts - fixed)

    recorders: dict[str, list[Recorder]] = {"FRONTLINE": [], "SAFETY_MANAGER": [], "ENTERPRISE_PRINCIPAL": [],
                                            "DEPARTMENT_HEAD": [], "PARK": []}  # fmt: skip
    leaders: list[list[Recorder]] = []
    deputies: list[list[tuple[Recorder, int]]] = []  # per park: (recorder, person)
    heads: list[list[tuple[Recorder, int]]] = []
    for park, departments in parks:
        park_leaders = []
        for kind, title in PARK_LEADERS:
            pid = post(park, kind, title)
            hold(pid, [(person(park), SINCE, None)])
            park_leaders.append(Recorder(pid, kind, [], [], 1.0))
        park_deputies = []
        for k in range(DEPUTIES):
            pid = post(park, "DEPUTY_IN_CHARGE", f"分管副主任{k + 1}")
            holder = person(park)
            hold(pid, [(holder, SINCE, None)])
            park_deputies.append((Recorder(pid, "DEPUTY_IN_CHARGE", [], [], 1.0), holder))
        park_heads = []
        for d, dep in enumerate(departments):
            pid = post(dep, "DEPARTMENT_HEAD", "部室负责人")
            holder = person(dep)
            hold(pid, [(holder, SINCE, None)])
            park_heads.append((Recorder(pid, "DEPARTMENT_HEAD", [], [], 1.0), holder))
            rows.charge(park_deputies[d * DEPUTIES // DEPARTMENTS][0].post_id, dep["id"])
        leaders.append(park_leaders)
        deputies.append(park_deputies)
        heads.append(park_heads)
        recorders["PARK"] += park_leaders + [r for r, _ in park_deputies]
        recorders["DEPARTMENT_HEAD"] += [r for r, _ in park_heads]

    enterprises: list[Enterprise] = []
    for i, (p, d, ent) in enumerate(ents):
        deputy, deputy_person = deputies[p][d * DEPUTIES // DEPARTMENTS]
        head, head_person = heads[p][d]
        for leader in leaders[p]:
            leader.units.append(ent["id"])
        deputy.units.append(ent["id"])
        head.units.append(ent["id"])
        diligence = rng.choice((0.2, 0.5, 1.0, 1.0, 1.5, 2.0))
        holders = []
        for kind, title, single, count in (("ENTERPRISE_PRINCIPAL", "企业主要负责人", True, 1),
                                           ("SAFETY_MANAGER", "安全管理人员", False, 1),
                                           ("FRONTLINE", "一线岗位", False, spread(frontline, len(ents), i))):  # fmt: skip
            for k in range(count):
                pid = post(ent, kind, title if count == 1 else f"{title}{k + 1}", single)
                holder = person(ent)
                hold(pid, [(holder, SINCE, None)])
                holders.append(holder)
                recorders[kind].append(Recorder(pid, kind, [ent["id"]], [], diligence))
        if ent["placarded"]:
            hold(post(ent, "ADMINISTRATIVE_RESPONSIBLE", "行政负责人"), [(deputy_person, SINCE, None)])
            hold(post(ent, "SUPERVISORY_RESPONSIBLE", "行业监管部门负责人"), [(head_person, SINCE, None)])
            hold(post(ent, "ENTERPRISE_RESPONSIBLE", "企业责任人"), [(holders[0], SINCE, None)])
            deputy.placarded.append(ent["id"])
            head.placarded.append(ent["id"])
        enterprises.append(Enterprise(ent["id"], holders[0], holders[1], head_person))
    return Tree(parks, enterprises, recorders)
