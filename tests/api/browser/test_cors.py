"""A page of another origin calls the API from Chromium with a bearer token: the allowed
origin gets the answer, the refused one is blocked by the browser."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tests.api.browser.conftest import Deployment

TIMEOUT_MS = 30_000


async def outcome_of(browser: Any, origin: str, deployment: Deployment) -> tuple[str, list[str]]:
    """What the frontend page of `origin` reports, and the browser console's messages."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        query = urlencode({"api": deployment.api, "token": deployment.token})
        await page.goto(f"{origin}/index.html?{query}")
        result = page.locator("#result")
        await page.wait_for_function(
            "document.getElementById('result').textContent !== 'pending'", timeout=TIMEOUT_MS
        )
        return await result.inner_text(), console
    finally:
        await context.close()


async def test_the_allowed_origin_gets_the_answer(browser: Any, deployment: Deployment) -> None:
    text, _ = await outcome_of(browser, deployment.allowed, deployment)
    outcome = json.loads(text)
    assert outcome["status"] == 200
    assert outcome["body"]["data"] == {"viewer": {"person": {"name": deployment.person_name}}}
    # An exposed header: the page can read the request id to report a problem.
    assert outcome["requestId"] and len(outcome["requestId"]) == 32


async def test_a_refused_origin_is_blocked_by_the_browser(browser: Any, deployment: Deployment) -> None:
    assert deployment.refused != deployment.allowed
    text, console = await outcome_of(browser, deployment.refused, deployment)
    # fetch rejects: the preflight got no Access-Control-Allow-Origin, so the browser never
    # sent the request (and would not have shown the answer).
    assert text.startswith("TypeError: "), text
    assert any("CORS policy" in line and deployment.refused in line for line in console), console
