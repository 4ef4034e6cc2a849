"""GraphiQL in Chromium with every request outside the API's origin aborted: it loads,
runs a query and shows the answer; in development `?as=` signs it in as a demo role."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.api.browser.conftest import Deployment

TIMEOUT_MS = 60_000  # GraphiQL is 3.5 MB of JavaScript to parse, on a busy machine too
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


@pytest.fixture
async def offline_page(browser: Any, deployment: Deployment) -> AsyncIterator[tuple[Any, list[str]]]:
    """A page that may reach the API's origin and nothing else: the URLs it tried elsewhere.
    Afterwards: nothing was refused by the page's Content-Security-Policy, no uncaught error."""
    context = await browser.new_context()
    elsewhere: list[str] = []
    problems: list[str] = []
    own = urlsplit(deployment.api).netloc

    async def only_the_api(route: Any) -> None:
        if urlsplit(route.request.url).netloc == own:
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort("internetdisconnected")

    await context.route("**/*", only_the_api)
    try:
        page = await context.new_page()
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        yield page, elsewhere
    finally:
        await context.close()
    assert problems == []


async def editor_text(page: Any, selector: str) -> str:
    text: str = await page.eval_on_selector(selector, "element => element.CodeMirror.getValue()")
    return text


async def run_and_read(page: Any, expected: str) -> str:
    await page.click(".graphiql-execute-button")
    await page.wait_for_function(
        """([selector, expected]) => {
            const editor = document.querySelector(selector);
            return editor && editor.CodeMirror.getValue().includes(expected);
        }""",
        arg=[RESPONSE, expected],
        timeout=TIMEOUT_MS,
    )
    return await editor_text(page, RESPONSE)


async def test_graphiql_loads_and_runs_a_query_with_no_network_beyond_the_server(
    offline_page: tuple[Any, list[str]], deployment: Deployment
) -> None:
    page, elsewhere = offline_page
    response = await page.goto(f"{deployment.api}/graphql")
    await page.wait_for_selector(QUERY_EDITOR, timeout=TIMEOUT_MS)
    welcome = await editor_text(page, QUERY_EDITOR)
    assert "make demo-logins" in welcome and "获取令牌" in welcome
    # The policy the page is served with keeps it to its own origin.
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "script-src 'self' 'sha256-" in policy
    # The schema loaded (anonymous introspection, development): the docs explorer knows Query.
    await page.click("button[aria-label='Show Documentation Explorer']")
    query_type = page.locator("a.graphiql-doc-explorer-type-name", has_text=re.compile("^Query$"))
    await query_type.first.wait_for(timeout=TIMEOUT_MS)

    await page.eval_on_selector(QUERY_EDITOR, "element => element.CodeMirror.setValue('{ __typename }')")
    answer = await run_and_read(page, "__typename")
    assert '"__typename": "Query"' in answer

    # As the welcome text says: a token in the Headers tab, and the query runs as its person.
    await page.get_by_role("button", name="Headers", exact=True).click()
    header = json.dumps({"Authorization": f"Bearer {deployment.token}"})
    await page.eval_on_selector(
        HEADERS_EDITOR, "(element, text) => element.CodeMirror.setValue(text)", header
    )
    viewer = "{ viewer { person { name } } }"
    await page.eval_on_selector(QUERY_EDITOR, "(element, text) => element.CodeMirror.setValue(text)", viewer)
    answer = await run_and_read(page, deployment.person_name)
    assert json.loads(answer)["data"] == {"viewer": {"person": {"name": deployment.person_name}}}
    assert elsewhere == []


async def test_graphiql_signs_in_as_a_demo_role_in_development(
    offline_page: tuple[Any, list[str]], deployment: Deployment
) -> None:
    page, elsewhere = offline_page
    await page.goto(f"{deployment.api}/graphql?as=platform-admin")
    await page.wait_for_selector(QUERY_EDITOR, timeout=TIMEOUT_MS)
    assert "Signed in as: 平台管理员" in await editor_text(page, QUERY_EDITOR)
    # The headers pane shows the token; running the page's own query answers as that person.
    assert '"Authorization": "Bearer ey' in await editor_text(page, HEADERS_EDITOR)
    answer = await run_and_read(page, deployment.person_name)
    assert '"roleLabel"' in answer and "errors" not in answer
    assert elsewhere == []
