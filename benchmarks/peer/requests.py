"""What both sides are asked: the settings shared by the two servers, PostGraphile's config, and
the requests, ours and the peer's, over the same rows, with the names each answer lists.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from strawberry.relay import to_base64

SECRET_KEY = "bench-peer-secret-key-0123456789abcdef"
PAGE = 100
PARK_ID = to_base64("OrgUnit", 2)  # the loader's park
SCRATCH = Path(os.environ.get("BENCH_PEER_DIR", Path.home() / ".cache" / "safety-bench-peer"))
NPM_PACKAGES = ["postgraphile@^5", "node@22"]

GRAPHILE_CONFIG = """\
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

export default {
  extends: [PostGraphileAmberPreset],
  // Conditions and orderBy on every column, as the app filters (archived, ended, withdrawn
  // rows) on columns without an index of their own; v4's ignoreIndexes.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  grafserv: { host: "127.0.0.1", port: Number(process.env.PORT), graphiql: false, watch: false },
  grafast: { explain: false },
};
"""

# --- the requests, ours and the peer's, over the same rows --------------------------------

OURS_HEAVY = """query Heavy($after: String) {
  units(first: 100, after: $after, filter: {kinds: [ENTERPRISE]}) {
    pageInfo { hasNextPage endCursor }
    nodes { name posts(first: 5) { nodes { holders(first: 5) { nodes { person { name } } } } } }
  }
}"""

PEER_HEAVY = """query Heavy($after: Cursor) {
  allOrgUnits(first: 100, after: $after, condition: {kind: "ENTERPRISE", archivedAt: null},
              orderBy: [CODE_ASC, PRIMARY_KEY_ASC]) {
    pageInfo { hasNextPage endCursor }
    nodes { name postsByUnitId(first: 5, orderBy: PRIMARY_KEY_ASC, condition: {archivedAt: null}) {
      nodes { assignmentsByPostId(first: 5, condition: {endDate: null, withdrawn: false}) {
        nodes { personByPersonId { name } } } } } }
  }
}"""

OURS_PLACARD = """query Board($park: ID!) {
  placardBoard(parkId: $park, first: 100) {
    nodes { enterprise { name } administrative { person { name } }
            supervisory { person { name } } enterpriseResponsible { person { name } } }
  }
}"""

_PEER_RESPONSIBLE = """postsByUnitId(condition: {kind: "%s", archivedAt: null}) {
      nodes { assignmentsByPostId(condition: {endDate: null, withdrawn: false}) {
        nodes { personByPersonId { name } } } } }"""
# PostGraphile's conditions are equalities: the park's subtree is every enterprise here.
PEER_PLACARD = f"""query Board {{
  allOrgUnits(first: 100, condition: {{kind: "ENTERPRISE", placarded: true, archivedAt: null}},
              orderBy: [CODE_ASC, PRIMARY_KEY_ASC]) {{
    nodes {{ name
      administrative: {_PEER_RESPONSIBLE % "ADMINISTRATIVE_RESPONSIBLE"}
      supervisory: {_PEER_RESPONSIBLE % "SUPERVISORY_RESPONSIBLE"}
      enterpriseResponsible: {_PEER_RESPONSIBLE % "ENTERPRISE_RESPONSIBLE"}
    }}
  }}
}}"""

TYPENAME = "{ __typename }"


def ours_heavy_names(data: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (u["name"], tuple(h["person"]["name"] for p in u["posts"]["nodes"] for h in p["holders"]["nodes"]))
        for u in data["units"]["nodes"]
    ]


def peer_heavy_names(data: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (u["name"], tuple(a["personByPersonId"]["name"] for p in u["postsByUnitId"]["nodes"]
                          for a in p["assignmentsByPostId"]["nodes"]))
        for u in data["allOrgUnits"]["nodes"]
    ]  # fmt: skip


def ours_placard_names(data: dict[str, Any]) -> list[tuple[str | None, ...]]:
    return [
        (b["enterprise"]["name"], *((b[k] or {}).get("person", {}).get("name") for k in
                                    ("administrative", "supervisory", "enterpriseResponsible")))
        for b in data["placardBoard"]["nodes"]
    ]  # fmt: skip


def peer_placard_names(data: dict[str, Any]) -> list[tuple[str | None, ...]]:
    def one(posts: dict[str, Any]) -> str | None:
        names = [
            a["personByPersonId"]["name"] for p in posts["nodes"] for a in p["assignmentsByPostId"]["nodes"]
        ]
        return names[0] if names else None

    return [
        (u["name"], *(one(u[k]) for k in ("administrative", "supervisory", "enterpriseResponsible")))
        for u in data["allOrgUnits"]["nodes"]
    ]
