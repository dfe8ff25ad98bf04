"""The feed's wellbeing cards in a real Chromium: a "make something" card in an adult's run of passive views, and
a teen's feed that stops with a take-a-break card instead of scrolling forever (limits made small here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from live_server import LiveServer, live_server, server_settings
from posts_support import VideoSeeder, member, post
from web_support import PHONE, MediaFiles, Visits, chromium, output_dir
from web_support import member as web_member

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(
        tmp_path_factory.mktemp("var"),
        accounts={"password_time_cost": 1, "password_memory_kib": 1024},
        feed={"nudge_after_views": 2, "teen_session_views": 3, "teen_daily_views": 10},
    )
    with live_server(settings) as live:
        yield live


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, MediaFiles]]:
    yield from chromium(tmp_path_factory.mktemp("media"))


@pytest.fixture
def visits(browser: tuple[Browser, MediaFiles], server: LiveServer, tmp_path: Path) -> Iterator[Visits]:
    made = Visits(browser[0], server.base_url, output_dir(tmp_path, "screens"), PHONE)
    try:
        yield made
    finally:
        made.close()


def test_make_something_and_take_a_break_cards(server: LiveServer, visits: Visits) -> None:
    seeder = VideoSeeder(server)
    for index in range(3):  # three creators: the feed shows at most two posts per creator per page
        author = member(server)
        for number in range(2):
            post(author, seeder.video(author), f"Post {number} of creator {index}")
    adult, teen = web_member(server, "lena"), web_member(server, "milo", birthday="2012-05-05")

    grown = visits.new("adult")
    grown.sign_in(adult)
    card = grown.page.locator('li[data-card="make_something"]')
    expect(card).to_have_count(1)
    expect(card.get_by_role("link", name="Create")).to_have_attribute("href", "/create")
    card.scroll_into_view_if_needed()
    grown.shot("make-something")

    young = visits.new("teen")
    young.sign_in(teen)
    slides = young.page.locator("#reel > li")
    expect(young.page.locator('li[data-card="take_a_break"]')).to_have_count(1)
    assert slides.last.get_attribute("data-card") == "take_a_break"  # the feed ends there
    assert young.page.locator("#reel").get_attribute("data-next") == ""
    assert young.page.locator("li[data-post-id]").count() <= 3
    young.page.locator('li[data-card="take_a_break"]').scroll_into_view_if_needed()
    young.shot("take-a-break")
    page = young.open("/settings")
    expect(page.get_by_text("Your account is a teen account")).to_be_visible()
