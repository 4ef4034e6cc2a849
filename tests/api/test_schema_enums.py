"""Closed sets inside rules and schemes are enums beside their deprecated strings."""

from __future__ import annotations

from typing import Any

PREVIEW = """query($d: JSON!) {
  previewFrequencyRule(definition: $d) {
    rule { variants { shape ruleShape when { trades riskClasses enterpriseTrades enterpriseClasses } } }
    userErrors { code field message messageEn }
  }
}"""


async def test_a_rule_reads_as_enums(gql: Any) -> None:
    definition = {
        "kinds": ["INSPECTION"],
        "variants": [
            {"when": {"trades": ["FOOD"], "risk_classes": ["C", "D"]}, "every": "MONTH"},
            {"every": "QUARTER"},
        ],
    }
    body = await gql(PREVIEW, {"d": definition})
    preview = body["data"]["previewFrequencyRule"]
    assert preview["userErrors"] == []
    first, default = preview["rule"]["variants"]
    assert first["when"] == {
        "trades": ["FOOD"],
        "riskClasses": ["C", "D"],
        "enterpriseTrades": ["FOOD"],
        "enterpriseClasses": ["C", "D"],
    }
    assert (first["shape"], first["ruleShape"]) == ("PERIODIC", "PERIODIC") and default["when"] is None


async def test_a_schemes_class_rule_reads_as_enums(gql: Any) -> None:
    body = await gql("{ scoringSchemes(first: 5) { nodes { classRule { riskClass enterpriseClass } } } }")
    steps = [s for n in body["data"]["scoringSchemes"]["nodes"] for s in n["classRule"]]
    assert steps and all(s["enterpriseClass"] == s["riskClass"] for s in steps)
    assert {s["enterpriseClass"] for s in steps} <= {"A", "B", "C"}
