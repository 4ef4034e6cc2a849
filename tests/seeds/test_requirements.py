"""The requirement catalogue: every requirement of the source documents, with its source,
loads through the rule model; none is skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.models import DutyItem, DutyList, DutySource
from domain.duties.rules import parse_rule
from domain.posts.kinds import PostKind
from seeds.requirements import load_requirements, read_catalogue

SOURCES = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CATALOGUE = read_catalogue()

# Words that mark a frequency, deadline, coverage, condition or event in the documents.
MARKERS = re.compile(
    r"每日|每天|每周|每月|每季度|每半年|每年|每\d年|至少|底前|日前|高危|小微|重要节点|复工复产|险情|灾害天气|双报告|全覆盖"
)


def test_every_document_is_there_with_its_lists() -> None:
    files = {doc["document"]["file"] for doc in CATALOGUE.documents}
    assert len(files) == 5
    if SOURCES.is_dir():
        assert files == {p.name for p in SOURCES.glob("0*.txt")}
    codes = [lst["code"] for lst in CATALOGUE.lists]
    keys = [item["key"] for item in CATALOGUE.items]
    assert len(set(codes)) == len(codes) and len(set(keys)) == len(keys)
    for lst in CATALOGUE.lists:
        assert lst["items"] and all(PostKind(k) for k in lst["post_kinds"])


@pytest.mark.parametrize("item", CATALOGUE.items, ids=lambda item: item["key"])
def test_each_requirement_has_its_source_and_a_rule_that_loads(item: dict[str, object]) -> None:
    assert item["clause"] and item["text"]
    text = str(item["text"])
    if MARKERS.search(text):
        assert item.get("rule"), f"{item['key']} sets a frequency, deadline or condition but has no rule"
    if item.get("rule"):
        rule = parse_rule(item["rule"])
        assert rule.render()
        assert parse_rule(rule.to_dict()) == rule


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the source documents are not beside the project")
def test_item_texts_are_quoted_from_their_documents() -> None:
    """Texts are the documents' own words (whitespace aside), not paraphrases: every
    sentence of an item is in its document (a contact cut from a sentence leaves its rest)."""
    squash = re.compile(r"\s+")
    for doc in CATALOGUE.documents:
        source = squash.sub("", (SOURCES / doc["document"]["file"]).read_text(encoding="utf-8"))
        source = source.replace("[bookmark:_GoBack]", "")
        for lst in doc["lists"]:
            for item in lst["items"]:
                for sentence in re.split(r"[。；]", squash.sub("", str(item["text"]))):
                    assert len(sentence) < 6 or sentence in source, (item["key"], sentence)


def _official_names() -> set[str]:
    """Names the documents give: the key-work list's 责任领导 cells, contacts, the group."""
    names: set[str] = set()
    cjk = r"[\u4e00-\u9fff]"
    for path in SOURCES.glob("0*.txt"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            cell = line.strip()
            if re.fullmatch(rf"(?:{cjk}{{2,3}}、)+{cjk}{{2,3}}", cell):
                names.update(cell.split("、"))
        names.update(re.findall(rf"联系人：({cjk}{{2,3}})", text))
        names.update(re.findall(rf"由({cjk}{{2,3}})(?:同志|兼任)", text))
        for group in re.findall(rf"；((?:{cjk}{{2,3}}、)+{cjk}{{2,3}})任副组长", text):
            names.update(group.split("、"))
    return names


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the source documents are not beside the project")
def test_no_names_or_phone_numbers_of_the_documents() -> None:
    raw = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((Path("seeds") / "requirements").glob("*.yaml"))
    )
    assert not re.search(r"\d{7,}", raw), "a phone number or long number"
    names = _official_names()
    assert len(names) >= 10
    assert not [n for n in names if n in raw]


async def test_the_catalogue_loads_as_templates(session: AsyncSession) -> None:
    counts = await load_requirements(session)
    assert counts == {"sources": 5, "lists": len(CATALOGUE.lists), "items": len(CATALOGUE.items)}
    assert await session.scalar(select(func.count()).select_from(DutySource)) == 5
    assert (
        await session.scalar(select(func.count()).select_from(DutyList).where(DutyList.unit_id.is_not(None)))
        == 0
    )
    with_rules = await session.scalar(
        select(func.count()).select_from(DutyItem).where(DutyItem.rule.is_not(None))
    )
    assert with_rules == sum(1 for item in CATALOGUE.items if item.get("rule"))
