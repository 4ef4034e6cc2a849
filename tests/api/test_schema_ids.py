"""Every object a client would cache has an `id`; only wrappers and embedded values do not."""

from __future__ import annotations

from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLScalarType

from api.schema import build_schema
from api.settings import ApiSettings

# Objects without an id, and why a client cache needs none: roots, pages, payloads, errors,
# and values that only exist inside the object they are read from (cached under it).
WITHOUT_ID = {
    "Query": "root",
    "Mutation": "root",
    "PageInfo": "page of a connection",
    "UserError": "part of a payload",
    "AccessReason": "part of an AccessExplanation",
    "ClassRuleStep": "part of a ScoringSchemeVersion",
    "EnumLabel": "vocabulary, part of a label set",
    "EnumLabelSet": "vocabulary, keyed by its name",
    "FrequencyRule": "part of a DutyItem",
    "FrequencyRulePreview": "the answer of a check, not stored",
    "RuleCondition": "part of a FrequencyRule",
    "RuleVariant": "part of a FrequencyRule or an Obligation",
    "HazardCounts": "part of a ComplianceScore",
    "HazardStats": "aggregate of a filtered ledger, not an object",
    "HazardStateCount": "part of HazardStats",
    "TaskCounts": "aggregate of a filtered task list, not an object",
    "TaskStateCount": "part of TaskCounts",
    "ObligationCounts": "part of a score",
    "ObligationSummary": "part of an obligation list",
    "ObligationLoss": "part of a ScoreExplanation",
    "HazardLoss": "part of a ScoreExplanation",
    "ScoreContribution": "part of a ScoreExplanation",
    "WeightClassLoss": "part of a ScoreExplanation",
    "WeightClassWeight": "part of a ScoringSchemeVersion",
    "RankedScore": "a score (which has its id) with its rank in one ranking",
    "PolicyExport": "a file's text for one day, not an object",
    "PolicyLine": "part of an AccessReason",
    "RecordAttachment": "part of a DutyRecord or Hazard",
    "RecordParticipant": "part of a DutyRecord",
    "EvidenceChainVerification": "the answer of a check at one instant, not stored",
    "ChainStatus": "part of an EvidenceChainVerification",
    "BrokenChainLink": "part of a ChainStatus",
}


def _is_wrapper(name: str) -> bool:
    return name.endswith(("Connection", "Edge", "Payload"))


def test_objects_without_an_id_are_wrappers_or_listed_values() -> None:
    schema = build_schema(ApiSettings())._schema
    objects = {
        n: t
        for n, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not n.startswith("__")
    }
    without = {n for n, t in objects.items() if "id" not in t.fields and not _is_wrapper(n)}
    assert without == set(WITHOUT_ID), "give the new type an `id`, or say here why a cache needs none"
    for name, gtype in objects.items():
        if "id" in gtype.fields:
            field_type = gtype.fields["id"].type
            assert isinstance(field_type, GraphQLNonNull), name
            assert isinstance(field_type.of_type, GraphQLScalarType) and field_type.of_type.name == "ID", name
    for name in ("Obligation", "ComplianceScore", "HazardEvent", "RoleLink", "Viewer", "EnterpriseProfile"):
        assert "id" in objects[name].fields
