"""The credential commands of `python -m api`, against a database of their own (a SQLite
file: the commands commit, which the rolled-back test transaction would hide)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import jwt
import pytest

from api.__main__ import main
from api.settings import ApiSettings
from domain.config import get_settings
from tests.conftest import copy_database

Run = Callable[..., str]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_database_file: Path) -> Iterator[str]:
    """A copy of the database that `migrate` and `load-demo` built (`demo_database_file`)."""
    yield copy_database(demo_database_file, tmp_path_factory.mktemp("cli") / "cli.db")
    get_settings.cache_clear()


@pytest.fixture
def cli(demo_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    monkeypatch.setenv("DATABASE_URL", demo_db)
    get_settings.cache_clear()

    def run(*argv: str) -> str:
        capsys.readouterr()
        main(list(argv))
        return capsys.readouterr().out

    yield run
    get_settings.cache_clear()


def claims(token: str) -> dict[str, object]:
    settings = ApiSettings()
    decoded: dict[str, object] = jwt.decode(
        token, settings.secret_key, algorithms=["HS256"], audience=settings.jwt_audience
    )
    return decoded


def test_token_for_a_person_or_a_client(cli: Run) -> None:
    run = cli
    out = run("token", "--person", "1")
    assert claims(out.strip())["sub"] == "person:1"
    out = run("token", "--client", "1", "--hours", "1")
    decoded = claims(out.strip())
    assert decoded["sub"] == "client:1"
    assert int(str(decoded["exp"])) - int(str(decoded["iat"])) == 3600
    with pytest.raises(SystemExit, match="no person with id 99999"):
        run("token", "--person", "99999")
    with pytest.raises(SystemExit, match="no service client"):
        run("token", "--client", "99999")
    with pytest.raises(SystemExit):
        run("token")  # --person or --client is required


def test_api_keys_from_the_command_line(cli: Run) -> None:
    run = cli
    out = run("create-api-key", "--client", "1", "--expires-days", "30")
    key = out.splitlines()[0]
    assert key.startswith("sdk_") and "shown once" in out
    prefix = key.split("_")[1]
    assert f"revoked API key {prefix}" in run("revoke-api-key", "--prefix", prefix)
    with pytest.raises(SystemExit, match="not revoked"):
        run("revoke-api-key", "--prefix", prefix)
    with pytest.raises(SystemExit, match="no API key"):
        run("revoke-api-key", "--prefix", "000000000000")


def test_demo_logins_cover_every_demo_role(cli: Run) -> None:
    out = cli("demo-logins")
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    labels = [line.split(" | ")[0] for line in lines]
    for expected in (
        "园区党工委书记",
        "园区管委会主任",
        "分管负责人",
        "部室负责人",
        "企业主要负责人",
        "一线岗位人员",
        "第三方机构人员",
        "区级系统",
        "第三方机构系统",
        "区管理员",
        "平台管理员",
    ):
        assert any(label.startswith(expected) for label in labels), (expected, labels)
    for line in lines:
        _, _, subject, token = line.split(" | ")
        assert claims(token)["sub"] == subject


def test_demo_logins_need_the_demo_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{(tmp_path / 'empty.db').as_posix()}")
    get_settings.cache_clear()
    try:
        main(["migrate"])
        with pytest.raises(SystemExit, match="no demo data"):
            main(["demo-logins"])
    finally:
        get_settings.cache_clear()


def test_the_catalogue_loads_into_a_database_without_demo_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    path = tmp_path / "plain.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path.as_posix()}")
    get_settings.cache_clear()
    try:
        main(["migrate"])
        main(["load-catalogue"])
        main(["load-catalogue"])  # idempotent: nothing twice
    finally:
        get_settings.cache_clear()
    with sqlite3.connect(path) as db:
        templates = db.execute(
            "SELECT count(*), count(DISTINCT code) FROM duty_list WHERE unit_id IS NULL"
        ).fetchone()
        categories = db.execute("SELECT count(*), sum(major) FROM hazard_category").fetchone()
        units = db.execute("SELECT count(*) FROM org_unit").fetchone()
    assert templates[0] == templates[1] >= 20
    assert categories[0] >= 20 and categories[1] >= 10
    assert units == (0,)
