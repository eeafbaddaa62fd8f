"""The widget in each community language (issue 18), in Chromium: the person chooses the
language, the assistant answers in it (messages marked with their language, Urdu right to
left), the quick exit is labelled in it too and still leaves, axe-core finds nothing, and
the script is drawn with real letters, not empty boxes (a screenshot of each is kept in
results/screenshots/ for a person to look at)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bot.settings import PROJECT_ROOT
from tests.browser.test_accessibility import describe, violations
from tests.browser.test_quick_exit import assert_left_without_a_trace, history_length
from tests.support.browser import AXE, Widget, new_context

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
CODES = ["gu", "pa", "pl", "pt", "ro", "ur"]
# Width of the message's first words drawn in the widget's fonts, against the same number
# of characters that no font has (each drawn as an empty box).
DRAWN_WIDTH = """([selector, text]) => {
  const host = document.querySelector('wp-chat-widget');
  const node = host.shadowRoot.querySelector(selector);
  const canvas = document.createElement('canvas').getContext('2d');
  canvas.font = getComputedStyle(node).font;
  const boxes = '\\uE000'.repeat([...text].length);
  return [canvas.measureText(text).width, canvas.measureText(boxes).width];
}"""


@pytest.mark.parametrize("code", CODES)
def test_one_exchange_in_each_language(browser, demo, stack, content, code):
    context = new_context(browser, bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    widget = Widget(page).load(demo.force)
    widget.open()
    widget.wait_for_reply()
    page.locator("wp-chat-widget .wp-language__select").select_option(code)
    menu = content.translations[code].messages["menu"][0]
    widget.expect_said(menu)
    widget.wait_for_reply()

    said = page.locator(f"wp-chat-widget .wp-msg__text[lang='{code}']").filter(has_text=menu)
    expect(said).to_have_attribute("dir", "rtl" if code == "ur" else "ltr")
    label = page.locator("wp-chat-widget .wp-exit__translated")
    expect(label).to_be_visible()
    expect(label).to_have_attribute("lang", code)
    drawn, boxes = page.evaluate(DRAWN_WIDTH, [f".wp-msg__text[lang='{code}']", menu[:12]])
    assert abs(drawn - boxes) > 1, f"{code}: the letters look like empty boxes (no font for them)"
    said.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"widget-{code}.png"))
    assert AXE.exists()
    found = violations(page)
    assert found == [], f"in {code}:\n" + describe(found)

    conversation_id = widget.conversation_id()
    history_before = history_length(page)
    widget.exit_button.click()
    assert_left_without_a_trace(page, demo, stack, conversation_id, history_before)
    context.close()


# Where each character of the number is drawn, left to right on the screen.
NUMBER_ORDER = """(number) => {
  const host = document.querySelector('wp-chat-widget');
  const span = [...host.shadowRoot.querySelectorAll(".wp-msg__text[lang='ur'] span[dir='ltr']")]
    .find((node) => node.textContent === number);
  if (!span) return null;
  const range = document.createRange();
  const lefts = [];
  for (let i = 0; i < number.length; i++) {
    range.setStart(span.firstChild, i);
    range.setEnd(span.firstChild, i + 1);
    lefts.push(range.getBoundingClientRect().left);
  }
  return lefts;
}"""


def test_phone_numbers_read_left_to_right_in_urdu(browser, demo, content):
    """In a right-to-left card the groups of a number would be drawn last group first
    ("247 2000 0808"): each number is set apart, left to right."""
    context = new_context(browser)
    page = context.new_page()
    widget = Widget(page).load(demo.force)
    widget.open()
    widget.wait_for_reply()
    page.locator("wp-chat-widget .wp-language__select").select_option("ur")
    urdu = content.translations["ur"]
    widget.expect_said(urdu.messages["menu"][0])
    widget.choice(urdu.labels["support_options"]).click()
    widget.expect_said(urdu.messages["support_options"][0])
    widget.choice(urdu.labels["domestic_abuse"]).click()
    helpline = content.services["national_domestic_abuse_helpline"]
    widget.expect_said(urdu.summaries[helpline.id])
    lefts = page.evaluate(NUMBER_ORDER, helpline.phone)
    assert lefts, "the helpline's number is not set apart in the Urdu card"
    assert lefts == sorted(lefts), f"{helpline.phone} is not drawn left to right: {lefts}"
    context.close()
