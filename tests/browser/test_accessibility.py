"""axe-core (node_modules/axe-core, from package.json) on the demo pages with the
widget closed, and open with a conversation in it: WCAG 2.0, 2.1 and 2.2, A and AA.

axe is injected as an inline script, which the pages' Content-Security-Policy would
block, so only these tests use a browser context that bypasses the CSP."""
from __future__ import annotations

import json
from typing import Dict, List

import pytest

from tests.support.browser import AXE, Widget, assert_only_local_requests, new_context

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def axe_page(browser):
    if not AXE.exists():
        pytest.fail(f"No axe-core at {AXE}: run scripts/setup.sh (it runs npm ci)")
    context = new_context(browser, bypass_csp=True)
    yield context.new_page()
    try:
        assert_only_local_requests(context)
    finally:
        context.close()


def violations(page) -> List[Dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    # The whole page: the widget lives in open shadow roots, which axe goes into.
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary}))}))",
        TAGS,
    )


def describe(found: List[Dict]) -> str:
    return json.dumps(found, indent=1)[:4000]


@pytest.mark.parametrize("site", ["force", "partner"])
def test_no_wcag_violations_closed_and_open(axe_page, demo, content, site):
    widget = Widget(axe_page).load(getattr(demo, site))
    found = violations(axe_page)
    assert found == [], "with the widget closed:\n" + describe(found)

    widget.open()
    widget.expect_said(content.topics["intro"].messages[0])
    widget.wait_for_reply()
    widget.say("what is clares law")
    widget.expect_said(content.topics["clares_law"].messages[0])
    widget.wait_for_reply()
    found = violations(axe_page)
    assert found == [], "with the widget open, after a question:\n" + describe(found)
