"""The widget on a phone: the panel fills the screen, the message log scrolls inside it,
and the header with Close and Clear conversation stays in view however long the
conversation grows (a person may need Clear conversation at any moment)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import Widget, new_context

PHONE = {"width": 375, "height": 667}
STILL_IN_VIEW = """(element) => { const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight; }"""


def test_on_a_phone_the_header_stays_in_view_while_the_log_scrolls(browser, demo, content):
    context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        widget = Widget(context.new_page()).load(demo.force)
        widget.open()
        widget.wait_for_reply()
        for question, topic in (("what is clares law", "clares_law"), ("what is sarahs law", "sarahs_law"),
                                ("what is clares law", "clares_law")):
            count = widget.bot_messages.count()
            widget.say(question)
            expect(widget.bot_messages.nth(count)).to_contain_text(content.topics[topic].messages[0])
            widget.wait_for_reply()
        expect(widget.log.locator(".wp-msg--user").last).to_be_in_viewport()  # the latest turn is shown
        clear = widget.panel.locator(".wp-header__actions .wp-action").first
        scroll = widget.panel.locator(".wp-scroll")
        assert scroll.evaluate("(log) => log.scrollHeight > log.clientHeight"), "the conversation should be long enough to scroll"
        assert scroll.evaluate("(log) => log.scrollTop > 0"), "the log, not the panel, should have scrolled to the reply"
        assert clear.evaluate(STILL_IN_VIEW), "Clear conversation scrolled out of view"
        assert widget.panel.evaluate("(panel) => panel.scrollTop === 0"), "the panel itself should not scroll"
        clear.click()  # it can be pressed without scrolling back
    finally:
        context.close()
