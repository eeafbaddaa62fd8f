"""The content studio in Chromium, as comms staff use it: an editor signs in, changes a
service's phone number, is told plainly when the number is wrong, sees the assistant's
reply before and after (drawn by the widget's own code), a second person approves and
publishes, and the running assistant then gives the new number in the widget, with no
restart. axe-core finds no WCAG 2.2 A/AA violations on any page on the way."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Tuple

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import describe, violations
from tests.support.browser import AXE, Widget, new_context
from tests.support.sanic_server import InProcessServer
from tests.support.stack import DemoSites, demo_sites, running_stack
from tests.support.studio import APPROVER, EDITOR, NEW_NUMBER, PASSWORD, copy_of_content, running_studio

ASK = "what is the victim support phone number"
OLD_NUMBER = "0808 168 9111"


@pytest.fixture(scope="module")
def studio_and_assistant(tmp_path_factory) -> Iterator[Tuple[InProcessServer, DemoSites]]:
    """The studio and the assistant (with its demo pages) on one copy of the content."""
    content_dir = copy_of_content(tmp_path_factory.mktemp("studio-content"))
    with running_stack(tmp_path_factory.mktemp("studio-stack"), extra_env={"CONTENT_DIR": str(content_dir)}) as stack, \
            demo_sites(tmp_path_factory.mktemp("studio-demo"), stack) as sites, \
            running_studio(tmp_path_factory.mktemp("studio"), content_dir) as (studio, _):
        yield studio, sites


def staff_page(browser: Browser) -> Page:
    # axe is injected as an inline script, which the studio's CSP (rightly) blocks.
    return new_context(browser, bypass_csp=True).new_page()


def sign_in(page: Page, studio: InProcessServer, name: str) -> None:
    page.goto(f"{studio.url}/sign-in")
    assert_accessible(page, "sign in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()


def assert_accessible(page: Page, where: str) -> None:
    assert AXE.exists(), f"No axe-core at {AXE}: run scripts/setup.sh"
    found = violations(page)
    assert found == [], f"on the {where} page:\n" + describe(found)


def test_a_number_is_changed_checked_previewed_approved_and_given_by_the_assistant(browser, studio_and_assistant):
    studio, sites = studio_and_assistant
    editor = staff_page(browser)
    sign_in(editor, studio, EDITOR)
    assert_accessible(editor, "changes")
    editor.get_by_role("link", name="Services").first.click()
    assert_accessible(editor, "services")
    editor.get_by_role("link", name="Victim Support").click()
    assert_accessible(editor, "edit")

    # A number that is not a number: kept as a draft, the reason beside the field.
    editor.get_by_label("Phone number", exact=True).fill("call me maybe")
    editor.get_by_role("button", name="Save as a draft").click()
    expect(editor.locator(".govuk-error-summary")).to_contain_text("not a UK phone number")
    expect(editor.locator(".govuk-form-group--error .govuk-error-message").first).to_contain_text("not a UK phone number")
    expect(editor.get_by_label("Phone number", exact=True)).to_have_value("call me maybe")
    assert_accessible(editor, "edit, with an error")
    editor.locator(".govuk-error-summary a").first.click()
    expect(editor.get_by_label("Phone number", exact=True)).to_be_focused()

    editor.get_by_label("Phone number", exact=True).fill(NEW_NUMBER)
    editor.get_by_role("button", name="Save as a draft").click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Draft")
    # The preview is the widget's own message, in its own styles, before and after.
    expect(editor.locator("#preview-before .wp-msg--bot")).to_contain_text(f"Call {OLD_NUMBER}")
    expect(editor.locator("#preview-after .wp-msg--bot")).to_contain_text(f"Call {NEW_NUMBER}")
    assert editor.get_by_role("button", name="Approve").count() == 0
    assert_accessible(editor, "change")
    change_url = editor.url
    editor.context.close()

    approver = staff_page(browser)
    sign_in(approver, studio, APPROVER)
    approver.goto(change_url)
    approver.get_by_role("button", name="Approve").click()
    expect(approver.get_by_text(f"approved by {APPROVER}")).to_be_visible()
    approver.get_by_role("button", name="Publish").click()
    expect(approver.get_by_role("heading", level=1)).to_contain_text("Published")
    assert_accessible(approver, "published change")
    for path, where in (("/versions", "versions"), ("/review", "review"), ("/topics", "topics"),
                        ("/figures", "oversight figures")):
        approver.goto(studio.url + path)
        assert_accessible(approver, where)
    approver.context.close()

    # A member of the public asks, in the widget, on the force's page.
    public = new_context(browser)
    widget = Widget(public.new_page()).load(sites.force)
    widget.open()
    widget.wait_for_reply()
    widget.say(ASK)
    widget.expect_said(f"Call {NEW_NUMBER}")
    assert OLD_NUMBER not in widget.log.inner_text()
    public.close()


def test_markup_typed_into_a_field_is_shown_as_text_in_the_preview(browser, tmp_path: Path):
    with running_studio(tmp_path) as (studio, _):
        editor = staff_page(browser)
        sign_in(editor, studio, EDITOR)
        editor.goto(f"{studio.url}/services/victim_support/edit")
        editor.get_by_label("What it does, for whom").fill('<img src=x onerror="document.title=1">Free help')
        editor.get_by_role("button", name="Save as a draft").click()
        after = editor.locator("#preview-after .wp-msg--bot")
        expect(after).to_contain_text('<img src=x onerror="document.title=1">Free help')
        assert editor.locator("#preview-after img").count() == 0 and editor.title() != "1"
        editor.context.close()
