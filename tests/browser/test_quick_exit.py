"""Quick exit in a real browser: by the button, by Shift three times, and by keyboard
alone. Each time the page leaves for the exit address, the server forgets the
conversation, and the browser holds nothing of it."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.browser import STORAGE_KEY, Widget, wait_until_forgotten
from tests.support.stack import DemoSites, Stack

EMPTY_STORAGE = {"local": {}, "session": {}, "cookies": "", "indexedDB": [], "caches": []}


def start_a_conversation(page: Page, demo: DemoSites, stack: Stack, content) -> tuple[Widget, str]:
    widget = Widget(page).load(demo.force)
    assert widget.storage() == EMPTY_STORAGE, "merely loading the page should keep nothing"
    widget.open()
    widget.expect_said(content.topics["intro"].messages[0])
    widget.wait_for_reply()
    widget.say("what is clares law")
    widget.expect_said(content.topics["clares_law"].messages[0])
    conversation_id = widget.conversation_id()
    assert "user: what is clares law" in stack.said(conversation_id)
    # While it runs, the random id in sessionStorage is all the browser holds.
    assert widget.storage() == {**EMPTY_STORAGE, "session": {STORAGE_KEY: conversation_id}}
    return widget, conversation_id


def history_length(page: Page) -> int:
    return page.evaluate("() => history.length")


def assert_left_without_a_trace(page: Page, demo: DemoSites, stack: Stack, conversation_id: str,
                                history_before: int) -> None:
    page.wait_for_url(demo.neutral)
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
    wait_until_forgotten(stack, conversation_id)
    # The neutral page is on the same origin as the chat page, in the same tab: this
    # is the storage the chat page had.
    assert Widget(page).storage() == EMPTY_STORAGE
    assert page.context.cookies() == []
    # The chat page's history entry was replaced, not added to: Back does not lead to it.
    assert history_length(page) == history_before


def test_exit_this_page_button(page, demo, stack, content):
    widget, conversation_id = start_a_conversation(page, demo, stack, content)
    history_before = history_length(page)
    widget.exit_button.click()
    assert_left_without_a_trace(page, demo, stack, conversation_id, history_before)


def test_shift_three_times(page, demo, stack, content):
    widget, conversation_id = start_a_conversation(page, demo, stack, content)
    history_before = history_length(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left_without_a_trace(page, demo, stack, conversation_id, history_before)


def test_shift_as_a_modifier_or_broken_off_does_not_exit(page, demo):
    widget = Widget(page).load(demo.force)
    widget.open()
    widget.wait_for_reply()
    lights = page.locator("wp-chat-widget .wp-exit__light--on")
    widget.input.focus()
    for _ in range(3):
        page.keyboard.press("Shift+KeyA")  # capital letters: Shift held with another key
    expect(widget.input).to_have_value("AAA")
    expect(lights).to_have_count(0)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(lights).to_have_count(2)  # two of the three indicators
    page.keyboard.press("KeyB")  # any other key breaks the sequence off
    expect(lights).to_have_count(0)
    page.keyboard.press("Shift")
    expect(lights).to_have_count(1)
    assert page.url == demo.force


def test_keyboard_only(page, demo, stack, content):
    widget = Widget(page).load(demo.force)
    page.keyboard.press("Tab")
    first = widget.focused()
    assert first["host"] == "wp-chat-exit-link" and first["text"] == "Exit this page", \
        f"the first Tab should reach the Exit this page skip link, not {first}"

    for _ in range(40):  # on through the page to the launcher
        if "wp-launcher" in widget.focused()["cls"]:
            break
        page.keyboard.press("Tab")
    assert "wp-launcher" in widget.focused()["cls"], "Tab should reach the chat launcher"

    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    assert widget.focused()["id"] == "wp-input", "opening should put focus in the message box"
    widget.expect_said(content.topics["intro"].messages[0])
    widget.wait_for_reply()

    page.keyboard.type("what is clares law")
    page.keyboard.press("Enter")
    widget.expect_said(content.topics["clares_law"].messages[0])
    widget.wait_for_reply()
    conversation_id = widget.conversation_id()

    # The replies sit above the message box: Shift+Tab goes back to them.
    apply = content.topics["clares_law_apply"]
    for _ in range(20):
        focused = widget.focused()
        if "wp-choice" in focused["cls"] and focused["text"] == apply.label:
            break
        page.keyboard.press("Shift+Tab")
    assert widget.focused()["text"] == apply.label, "Shift+Tab should reach the reply buttons"
    page.keyboard.press("Enter")
    widget.expect_said(apply.messages[0])
    expect(widget.input).to_be_focused()  # back in the box, ready to type

    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert "wp-launcher" in widget.focused()["cls"], "Escape should return focus to the launcher"
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")

    for _ in range(5):  # the exit button sits just before the launcher
        if re.search(r"wp-exit__button|wp-skip", widget.focused()["cls"]):
            break
        page.keyboard.press("Shift+Tab")
    assert "wp-exit__button" in widget.focused()["cls"], "Shift+Tab from the launcher should reach Exit this page"
    history_before = history_length(page)
    page.keyboard.press("Enter")
    assert_left_without_a_trace(page, demo, stack, conversation_id, history_before)
