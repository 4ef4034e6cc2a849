Q = """query Q($v1: String) { viewer { id authMethod person { id name phoneMasked } roles { role subtree unitId } } units(first: -1, after: $v1) { edges { node { name ...F7 } } __typename pageInfo { startCursor @skip(if: false) } nodes { a8: version } } } fragment F6 on Post { title } fragment F7 on OrgUnit { archivedAt id a2: archivedAt a3: enterprise { smallMicro } posts { pageInfo { startCursor a4: hasPreviousPage a5: startCursor } nodes { ...F6 } } }"""
from tests.factories import person as make_person
async def test_leak(as_, session) -> None:
    p = await make_person(session)
    await session.commit()
    me = as_(f"person:{p.id}")
    for _ in range(3):
        r = await me.http.post("/graphql", json={"query": Q, "variables": {"v1": ""}}, headers=me.headers)
        assert r.status_code == 200, r.text
        r = await me.http.post("/graphql", json={"query": "{ units(first: 1) { totalCount } }"}, headers=me.headers)
        assert r.status_code == 200, r.text
