"""A three-turn conversation in the page (Debian Chromium through Playwright) whose later turns say
only "that" and "it": the page keeps the conversation, the server passes it as history, and the
third answer reasons about the right service's standard (Kelderton and Marsh Vale 2.2: 8/12,
6/12, 4/10, so the key question on other people's safety, 4/10 = 40%, sets the band)."""

from __future__ import annotations

import pytest

from api_support import Server
from browser_support import ask

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(900)]


def test_pronoun_follow_ups_in_the_page(chromium_browser, live_server: Server) -> None:
    from playwright.sync_api import expect

    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(live_server.base_url + "/")
        page.get_by_role("button", name="New conversation", exact=True).click()
        first = ask(page, "What rating did Kelderton and Marsh Vale get for 2.2 planning?", 1)
        expect(first.locator(".answer-body")).to_contain_text("Inadequate")
        second = ask(page, "what were the key question figures behind that?", 2)
        expect(second.locator(".answer-body")).to_contain_text("4 of 10")
        third = ask(page, "which key question dragged it down?", 3)
        expect(third.locator(".answer-body")).to_contain_text("4/10 = 40%")
        expect(third.locator(".answer-body")).to_contain_text("Inadequate")
        assert third.locator("button.cite").count() >= 1
        expect(third).to_contain_text("Computed by the rating module")
    finally:
        context.close()
    assert not errors, errors
