"""Conversations through the widget in a real browser, on the demo force and partner
pages, against the whole running assistant."""
from __future__ import annotations

from playwright.sync_api import expect

from bot.settings import PROJECT_ROOT
from connectors.widget_channel import _origin_refused
from tests.support.browser import Widget

SCREENSHOT = PROJECT_ROOT / "docs" / "widget.png"
REFUSED = _origin_refused().message  # what the server says to a site not in its partner list


def test_a_question_and_a_button_on_the_force_page(page, demo, stack, content):
    widget = Widget(page).load(demo.force)
    expect(widget.title).to_have_text("Warwickshire Police chat")
    widget.open()
    widget.expect_said(content.topics["intro"].messages[0])  # the first-time notice, before anything is typed
    widget.wait_for_reply()

    widget.say("what is clares law")
    widget.expect_said(content.topics["clares_law"].messages[0])
    apply = content.topics["clares_law_apply"]
    widget.choice(apply.label).click()
    widget.expect_said(apply.messages[0])
    expect(widget.log.locator(".wp-msg--user").last).to_have_text(f"You: {apply.label}")

    said = stack.said(widget.conversation_id())
    assert "user: what is clares law" in said
    assert any(apply.messages[0] in line for line in said)


def test_a_partner_page_on_an_allowed_site_works(page, demo, stack, content):
    widget = Widget(page).load(demo.partner)
    # The name comes from the server's partner list, for this page's origin.
    expect(widget.title).to_have_text("Safe Haven (demo charity) chat")
    widget.open()
    widget.expect_said(content.topics["intro"].messages[0])
    widget.wait_for_reply()
    widget.say("what is clares law")
    widget.expect_said(content.topics["clares_law"].messages[0])
    assert "user: what is clares law" in stack.said(widget.conversation_id())


def open_on_a_site_not_in_the_list(page, demo) -> Widget:
    widget = Widget(page).load(demo.stranger)
    widget.open()
    expect(widget.error).not_to_be_empty()  # the greeting is refused
    widget.wait_for_reply()
    return widget


def test_the_same_page_on_a_site_not_in_the_list_gets_no_answer(page, demo, stack):
    widget = open_on_a_site_not_in_the_list(page, demo)
    widget.say("what is clares law")
    expect(widget.input).to_have_value("what is clares law")  # put back: refused, and nothing typed is lost
    expect(widget.error).to_contain_text("call 999")
    expect(widget.bot_messages).to_have_count(0)
    assert stack.said(widget.conversation_id()) == []


def test_a_site_not_in_the_list_is_told_so_kindly(page, demo):
    widget = open_on_a_site_not_in_the_list(page, demo)
    assert widget.error.text_content().strip() == REFUSED


def test_a_screenshot_of_the_open_widget_for_the_readme(page, demo, content):
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling: the picture is the same each run
    widget = Widget(page).load(demo.force)
    widget.open()
    widget.expect_said(content.topics["intro"].messages[0])
    widget.wait_for_reply()
    widget.say("what is clares law")
    widget.expect_said(content.topics["clares_law"].messages[0])
    widget.wait_for_reply()
    page.evaluate("() => document.fonts.ready")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), animations="disabled", caret="hide")
    assert SCREENSHOT.stat().st_size > 10_000
