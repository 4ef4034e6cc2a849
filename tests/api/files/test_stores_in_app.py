"""The files suite's two stores reach the app (tests/api/files/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.files.stores import BlobMissing, sha256_hex


async def test_the_app_holds_the_store_of_the_run(app: Any, request: pytest.FixtureRequest) -> None:
    store = app.state.file_store
    assert store.kind == request.node.callspec.params["file_store"]
    data = b"%PDF-1.4 demo evidence"
    sha = sha256_hex(data)
    with pytest.raises(BlobMissing):
        await store.get(sha)
    await store.put(sha, data, "application/pdf")
    assert await store.get(sha) == data
