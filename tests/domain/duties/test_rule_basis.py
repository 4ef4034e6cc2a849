"""Whose number a frequency is (basis): parsed, rendered, kept in the canonical mapping only
when not the document's, per rule and per variant; and the catalogue marked accordingly."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.duties.rules import FrequencyBasis, parse_rule
from domain.errors import DomainError

CATALOGUE = Path(__file__).resolve().parents[3] / "seeds" / "requirements"


def test_the_default_basis_is_the_documents_and_is_left_out_of_the_mapping() -> None:
    rule = parse_rule({"kinds": ["INSPECTION"], "every": "QUARTER"})
    assert rule.basis is FrequencyBasis.DOCUMENT and not rule.has_default_basis
    assert "basis" not in rule.to_dict()
    assert rule.render() == "每季度至少1次"


def test_a_default_rule_says_so_in_its_mapping_and_its_text() -> None:
    rule = parse_rule({"kinds": ["MEETING"], "every": "YEAR", "basis": "DEFAULT"})
    assert rule.has_default_basis and rule.variants[0].basis is FrequencyBasis.DEFAULT
    assert rule.to_dict() == {"kinds": ["MEETING"], "every": "YEAR", "times": 1, "basis": "DEFAULT"}
    assert rule.render() == "每年至少1次（园区自定）"
    assert parse_rule(rule.to_dict()) == rule


def test_a_variant_may_differ_from_its_rule() -> None:
    data: dict[str, Any] = {
        "kinds": ["DRILL"],
        "variants": [
            {"when": {"high_risk": True}, "every": "HALF_YEAR"},
            {"every": "YEAR", "basis": "DEFAULT"},
        ],
    }
    rule = parse_rule(data)
    assert [v.basis for v in rule.variants] == [FrequencyBasis.DOCUMENT, FrequencyBasis.DEFAULT]
    assert rule.has_default_basis
    assert rule.render() == "每年至少1次（园区自定）；高危行业每半年至少1次"
    assert rule.to_dict()["variants"][1]["basis"] == "DEFAULT" and "basis" not in rule.to_dict()
    assert parse_rule(rule.to_dict()) == rule
    # The other way round: a DEFAULT rule with one variant from the document.
    flipped = parse_rule(
        {
            "kinds": ["DRILL"],
            "basis": "DEFAULT",
            "variants": [
                {"when": {"high_risk": True}, "every": "HALF_YEAR", "basis": "DOCUMENT"},
                {"every": "YEAR"},
            ],
        }
    )
    assert [v.basis for v in flipped.variants] == [FrequencyBasis.DOCUMENT, FrequencyBasis.DEFAULT]
    assert parse_rule(flipped.to_dict()).to_dict() == flipped.to_dict()


def test_an_unknown_basis_is_refused_naming_the_field() -> None:
    with pytest.raises(DomainError) as caught:
        parse_rule({"kinds": ["MEETING"], "every": "YEAR", "basis": "GUESS"})
    assert [e.field for e in caught.value.errors] == [("rule", "basis")]
    with pytest.raises(DomainError) as caught:
        parse_rule({"kinds": ["MEETING"], "variants": [{"every": "YEAR", "basis": 3}]})
    assert [e.field for e in caught.value.errors] == [("rule", "variants", "0", "basis")]


def _catalogue() -> dict[str, dict[str, Any]]:
    items = {}
    for path in sorted(CATALOGUE.glob("*.yaml")):
        for lst in yaml.safe_load(path.read_text(encoding="utf-8"))["lists"]:
            for item in lst["items"]:
                items[item["key"]] = item
    return items


def test_the_catalogue_marks_the_platforms_choices() -> None:
    items = _catalogue()
    defaults = {k for k, i in items.items() if i.get("rule") and parse_rule(i["rule"]).has_default_basis}
    # The A/B/C/D supervision (002 gives no number), "定期" read as yearly, the 例会 (003).
    assert {
        "002-enterprise-supervision-2-15",
        "004-campaign-principals-7-2",
        "003-park-committee-2-1-2",
        "001-enterprise-principal-2-2-5b",
        # The 日周月 enforcement checks (004 附件2 第11项（1）): a split the platform chose.
        "004-enforcement-2023-11-1-day",
        "004-enforcement-2023-11-1-week",
        "004-enforcement-2023-11-1-month",
    } <= defaults
    supervision = parse_rule(items["002-enterprise-supervision-2-15"]["rule"])
    assert {v.basis for v in supervision.variants} == {FrequencyBasis.DEFAULT}
    # Numbers the documents give stay the documents'.
    for key in ("002-enterprise-principal-2-4", "004-park-principal-6b", "003-park-committee-2-3-1"):
        assert not parse_rule(items[key]["rule"]).has_default_basis
    # Every rule marked a default says in its note that the platform chose it.
    for key in defaults:
        assert "平台" in items[key]["note"], key
    # Every "定期" the platform read as a year is marked.
    for key, item in items.items():
        if item.get("rule") and "原文为“定期”" in (item.get("note") or ""):
            assert key in defaults, key


def test_the_migration_marks_the_same_rules_as_the_catalogue() -> None:
    """Migration 20261207_0013 marks existing templates with the catalogue's defaults (the
    enforcement split is a new list, loaded as it is; the key-work rows it marks in an old
    database then leave the duty lists for department tasks, `seeds.key_work_upgrade`)."""
    migration = importlib.import_module("migrations.versions.20261207_0013_trades_and_defaults")
    items = _catalogue()
    whole = {
        k
        for k, i in items.items()
        if i.get("rule")
        and parse_rule(i["rule"]).basis is FrequencyBasis.DEFAULT
        and not k.startswith("004-enforcement-2023")
    }
    by_variant = (
        {k for k, i in items.items() if i.get("rule") and parse_rule(i["rule"]).has_default_basis}
        - whole
        - {k for k in items if k.startswith("004-enforcement-2023")}
    )
    retired = {k for k in migration.DEFAULT_KEYS if k.startswith("004-key-work-2023-")}
    assert retired and not retired & items.keys()
    assert whole == migration.DEFAULT_KEYS - retired
    assert by_variant == migration.DEFAULT_VARIANT_KEYS
