"""`python -m api create-admin`: the first platform administrator of a new installation.

    python -m api create-admin --name 张三 --id-number 11010519491231002X [--phone 13800000000]
        [--hours 1]                                  print a short-lived token, once
        [--oidc-subject SUB [--oidc-issuer ISS]]     or link a single sign-on identity instead
        [--another | --force]                        even though an administrator exists

It brings the database up to date first (the migrations, and the reference catalogue every
installation needs: `migrate` and `load-catalogue`, both idempotent), then makes the person
and their grant over everything in one transaction (authz/bootstrap.py), audited.

Exit status: 0 made; 1 refused because a platform administrator already exists; 2 bad
input (each error on stderr, in Chinese and English) — in both cases nothing is written.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from datetime import timedelta

from api.settings import ApiSettings
from authz.credentials import mint_token

DEFAULT_HOURS = 1.0
MAX_HOURS = 24.0
EXIT_EXISTS = 1
EXIT_INVALID = 2


class Refused(Exception):
    def __init__(self, status: int, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.status = status
        self.lines = lines


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser(
        "create-admin",
        help="create the first platform administrator (migrates and loads the catalogue first)",
        description="Create a person holding the admin role everywhere, on a new installation.",
    )
    cmd.add_argument("--name", required=True, help="姓名 — the administrator's name")
    cmd.add_argument(
        "--id-number", required=True, metavar="ID", help="居民身份证号 — 18 characters, checksummed"
    )
    cmd.add_argument("--phone", default=None, help="电话 — mobile or landline (optional)")
    cmd.add_argument(
        "--hours",
        type=float,
        default=DEFAULT_HOURS,
        help=f"lifetime of the printed token (default {DEFAULT_HOURS:g}, at most {MAX_HOURS:g})",
    )
    cmd.add_argument(
        "--oidc-subject",
        default=None,
        metavar="SUB",
        help="link this identity provider subject (`sub`) instead of printing a token",
    )
    cmd.add_argument(
        "--oidc-issuer", default=None, metavar="ISS", help="the provider's issuer (default OIDC_ISSUER)"
    )
    cmd.add_argument(
        "--another",
        "--force",
        dest="another",
        action="store_true",
        help="create one even though a platform administrator already exists",
    )


@dataclass(frozen=True)
class Made:
    subject: str
    name: str
    others: list[str]
    identity: tuple[str, str] | None


def run(args: argparse.Namespace, settings: ApiSettings) -> None:
    try:
        oidc = _oidc(args, settings)
        hours = _hours(args.hours, oidc is not None, settings)
        made = asyncio.run(_create(settings, args, oidc))
    except Refused as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        raise SystemExit(exc.status) from None
    print(f"平台管理员已创建 / Platform administrator created: {made.name} ({made.subject})")
    if made.others:
        print(f"已有的平台管理员 / Other platform administrators: {', '.join(made.others)}")
    if made.identity is not None:
        issuer, subject = made.identity
        print(f"已关联统一身份认证 / Linked to the OIDC identity: iss={issuer} sub={subject}")
        print("请用该身份登录 / Sign in through the identity provider; no token is printed.")
        return
    assert hours is not None
    print(
        f"一次性显示的令牌，{hours:g} 小时内有效；请放在请求头 Authorization: Bearer <令牌> 中 / "
        f"Token shown once, valid {hours:g} h; send it as Authorization: Bearer <token>:"
    )
    print(mint_token(settings, made.subject, ttl=timedelta(hours=hours)))


def _oidc(args: argparse.Namespace, settings: ApiSettings) -> tuple[str, str] | None:
    if args.oidc_subject is None:
        if args.oidc_issuer is not None:
            raise _invalid("--oidc-issuer 须与 --oidc-subject 同用", "--oidc-issuer needs --oidc-subject")
        return None
    issuer = args.oidc_issuer or settings.oidc_issuer
    if not issuer:
        raise _invalid(
            "未配置统一身份认证：请给出 --oidc-issuer 或设置 OIDC_ISSUER",
            "No identity provider: give --oidc-issuer or set OIDC_ISSUER",
        )
    return issuer, args.oidc_subject


def _hours(hours: float, oidc: bool, settings: ApiSettings) -> float | None:
    if oidc:
        return None
    if not settings.jwt_hs256_enabled:
        raise _invalid(
            "本平台签发的令牌已关闭（JWT_HS256_ENABLED=false）：请用 --oidc-subject 关联统一身份认证",
            "Tokens signed here are off (JWT_HS256_ENABLED=false): link an identity with --oidc-subject",
        )
    if not 0 < hours <= MAX_HOURS:
        raise _invalid(
            f"--hours 须大于0且不超过{MAX_HOURS:g}", f"--hours must be above 0 and at most {MAX_HOURS:g}"
        )
    return hours


def _invalid(zh: str, en: str) -> Refused:
    return Refused(EXIT_INVALID, [f"{zh} / {en}"])


async def _create(settings: ApiSettings, args: argparse.Namespace, oidc: tuple[str, str] | None) -> Made:
    from authz.bootstrap import AdminExists, create_platform_admin
    from authz.watcher import notify_change
    from domain.actors import CLI
    from domain.changes import take_authz_dirty
    from domain.clock import today_shanghai
    from domain.db import WRITE_TRANSACTION, create_engine, create_session_factory
    from domain.errors import DomainError
    from migrations.runner import upgrade
    from seeds.hazard_categories import load_hazard_categories
    from seeds.requirements import load_requirements

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        factory = create_session_factory(engine)
        async with factory() as session:
            await load_requirements(session)
            await load_hazard_categories(session)
            await session.commit()
        async with factory() as session:
            await session.connection(execution_options=WRITE_TRANSACTION)
            try:
                made = await create_platform_admin(
                    session,
                    name=args.name,
                    id_number=args.id_number,
                    phone=args.phone,
                    today=today_shanghai(),
                    oidc=oidc,
                    another=args.another,
                    actor=CLI,
                )
            except AdminExists as exc:
                who = ", ".join(exc.subjects)
                raise Refused(
                    EXIT_EXISTS,
                    [
                        f"已有平台管理员（{who}），未作任何更改。如确需再增加一名，请加 --another。",
                        f"A platform administrator already exists ({who}); nothing was changed. "
                        "To add another one, give --another.",
                    ],
                ) from None
            except DomainError as exc:
                raise Refused(
                    EXIT_INVALID,
                    [f"{e.message_zh} / {e.message_en} ({_option(e.field)})" for e in exc.errors]
                    + ["未作任何更改 / Nothing was changed."],
                ) from None
            # Servers running on PostgreSQL hear of the new grant when this commits.
            await notify_change(session, take_authz_dirty(session))
            await session.commit()
            identity = (made.identity.issuer, made.identity.subject) if made.identity else None
            return Made(f"person:{made.person.id}", made.person.name, made.others, identity)
    finally:
        await engine.dispose()


def _option(field: tuple[str, ...]) -> str:
    """The command-line option an error's field came from."""
    names = {"name": "--name", "idNumber": "--id-number", "phone": "--phone", "subject": "--oidc-subject"}
    names |= {"issuer": "--oidc-issuer"}
    return names.get(field[0], field[0]) if field else "-"
