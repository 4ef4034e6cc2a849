"""The catalogue's work list (004 附件2 as tasks): every row but the missing 9th, each with its
departments, leader tokens and a 2023 deadline, in the document's own words, without the
documents' names."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from seeds.loader import DEMO_FILE
from seeds.work_lists import ALL_DEPARTMENTS, read_work_lists

SPEC = next(s for s in read_work_lists() if s["code"] == "004-key-work-2023")
SOURCES = next(
    (p / "shared" / "seeds" for p in Path(__file__).resolve().parents if (p / "shared" / "seeds").is_dir()),
    None,
)


def test_every_row_is_a_task_with_departments_leaders_and_a_2023_deadline() -> None:
    numbers = [t["number"] for t in SPEC["tasks"]]
    assert numbers == [n for n in range(1, 28) if n != 9]
    for task in SPEC["tasks"]:
        assert task["lead_departments"] and task["title"] and task["requirement"]
        assert set(task["leaders"]) <= {"PRINCIPAL", "IN_CHARGE", "ALL_LEADERS"}
        assert date.fromisoformat(str(task["deadline"])) == date(2023, 12, 31)
        assert task["deadline_basis"] in {"DOCUMENT", "LIST_YEAR"}
    by_number = {t["number"]: t for t in SPEC["tasks"]}
    assert by_number[3]["lead_departments"] == ["党政办"]
    assert by_number[3]["supporting_departments"] == ["安全生产部", "财政财务部"]
    assert by_number[12]["supporting_departments"] == ["经济运行部"]
    assert by_number[2]["deadline_basis"] == "DOCUMENT" and by_number[4]["deadline_basis"] == "LIST_YEAR"


def test_the_demo_park_has_every_department_the_list_names() -> None:
    demo = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    park = demo["districts"][0]["parks"][0]
    names = {d["name"] for d in park["departments"]}
    named = {SPEC["issuing_department"]}
    for task in SPEC["tasks"]:
        named |= set(task["lead_departments"]) | set(task["supporting_departments"])
    assert named - {ALL_DEPARTMENTS} <= names


@pytest.mark.skipif(SOURCES is None, reason="the source documents are not beside the project")
def test_requirements_are_the_documents_words_without_its_names() -> None:
    assert SOURCES is not None
    squash = re.compile(r"\s+")
    source_raw = (SOURCES / SPEC["document"]).read_text(encoding="utf-8")
    source = squash.sub("", source_raw).replace("[bookmark:_GoBack]", "")
    for task in SPEC["tasks"]:
        for sentence in re.split(r"[。；\n]", str(task["requirement"])):
            sentence = squash.sub("", sentence)
            assert len(sentence) < 6 or sentence in source, (task["number"], sentence)
    raw = (Path(__file__).resolve().parents[2] / "seeds" / "tasks" / "004.yaml").read_text(encoding="utf-8")
    cells = [
        c.strip()
        for c in source_raw.splitlines()
        if re.fullmatch(r"(?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3}", c.strip())
    ]
    names = {n for c in cells for n in c.split("、")} - {"党政办", "法制办"}
    assert len(names) >= 5
    assert not [n for n in names if n in raw]
