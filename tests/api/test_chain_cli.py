"""`verify-chain` and `seal-chains` on the demo database as `migrate` and `load-demo` built
it (a copy of its own: the test changes rows behind the application's back)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from api.__main__ import main
from domain.config import get_settings
from tests.conftest import copy_database


@pytest.fixture
def demo(tmp_path: Path, demo_database_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "chain.db"
    monkeypatch.setenv("DATABASE_URL", copy_database(demo_database_file, path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return int(exited.value.code or 0), capsys.readouterr().out


def test_the_demo_data_is_sealed_and_a_changed_hazard_is_named(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, "verify-chain", "--json")
    result = json.loads(out)
    assert code == 0 and result["ok"] is True
    by_chain = {c["chain"]: c for c in result["chains"]}
    assert by_chain["duty_record"]["length"] > 1000 and by_chain["hazard"]["unsealedRows"] == 0
    with closing(sqlite3.connect(demo)) as db:
        hazard_id = db.execute("SELECT min(id) FROM hazard").fetchone()[0]
        seq = db.execute(
            "SELECT seq FROM chain_link WHERE chain = 'hazard' AND row_key = ?", (str(hazard_id),)
        ).fetchone()[0]
        # A projection column may change (the hazard's state is kept by its events) ...
        db.execute("UPDATE hazard SET version = version + 1 WHERE id = ?", (hazard_id,))
        db.commit()
        assert _run(capsys, "verify-chain", "--chain", "hazard")[0] == 0
        # ... a fact may not.
        db.execute("UPDATE hazard SET title = '改过的标题' WHERE id = ?", (hazard_id,))
        db.commit()
    code, out = _run(capsys, "verify-chain", "--json", "--chain", "hazard", "--chain", "audit_event")
    result = json.loads(out)
    assert code == 1 and result["ok"] is False
    (hazard,) = [c for c in result["chains"] if c["chain"] == "hazard"]
    assert hazard["firstBrokenLink"] == {"seq": seq, "rowId": str(hazard_id), "reason": "ROW_CHANGED"}
    code, out = _run(capsys, "verify-chain", "--chain", "hazard")
    assert code == 1 and f"ROW_CHANGED at link {seq}, row {hazard_id}" in out


def test_seal_chains_seals_rows_written_past_the_application(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(demo)) as db:
        db.execute(
            "INSERT INTO audit_event (at, actor, action, target_type, domain) "
            "VALUES ('2026-01-01 00:00:00.000000', 'system', 'test.raw', 'Test', '/')"
        )
        db.commit()
    code, out = _run(capsys, "verify-chain", "--chain", "audit_event")
    assert code == 1 and "UNSEALED_ROWS" in out
    capsys.readouterr()
    main(["seal-chains"])
    assert capsys.readouterr().out.strip() == "sealed 1 row(s)"
    assert _run(capsys, "verify-chain")[0] == 0


def test_an_unknown_chain_is_refused(demo: Path) -> None:
    with pytest.raises(SystemExit, match="no evidence chain named 'person'"):
        main(["verify-chain", "--chain", "person"])
