"""The tamper-evident trail's state for dossiers (`domain.dossier.service.ChainCheck`).

This is the one place that joins the dossier to the chain's verification: `chain_state`
answers the trail's heads and its verification (first broken link, if any) for chain.json
and the manifest. Until the chain's `verify` is part of the platform, it says so plainly:
no heads, `ok` null, `checked` false, and the reason; a dossier never claims a verification
that was not run."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.dossier.service import ChainState

NOT_CHECKED = {
    "ok": None,
    "checked": False,
    "reason": "本平台版本尚无防篡改证据链校验 — This platform version has no tamper-evident chain to verify",
}


async def chain_state(session: AsyncSession) -> ChainState:
    del session  # the chain's verification will read through it
    return ChainState(heads={}, verification=dict(NOT_CHECKED))
