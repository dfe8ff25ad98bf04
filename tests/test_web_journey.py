"""The web app played end to end in a real Chromium, as people use it, on a phone-sized screen and a desktop.

The admin hands out an invite; a new member signs up with it, creates a video, watches its progress and posts
it; a second member follows, likes, comments and remixes it; both feeds then show the right posts, the steer
box steers, and the creator is notified. Every page load is timed (first paint under 1 s) and weighed (under
200 KB of HTML, CSS and JS); any console error or failed request fails the test; each step leaves a screenshot.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from live_server import LiveServer
from web_support import (
    PASSWORD,
    READY_TIMEOUT_MS,
    Visit,
    Visits,
    browser_fixture,
    member,
    server_fixture,
    visits_fixture,
)

pytestmark = pytest.mark.browser


# A fresh server per journey: each one checks what whole feeds show, so no other journey's posts may be there.
server = server_fixture(scope="function")
browser = browser_fixture()
visits = visits_fixture()


def wait_ready(visit: Visit) -> str:
    """On a progress page: the video's id once the page says it is ready."""
    page = visit.page
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    visit.shot("progress")
    expect(page.get_by_role("heading", name="Your video is ready")).to_be_visible(timeout=READY_TIMEOUT_MS)
    video_id = page.url.rsplit("/", 1)[-1]
    page.wait_for_function("() => document.getElementById('result').readyState >= 1")
    return video_id


def create_video(visit: Visit, prompt: str) -> str:
    page = visit.open("/create")
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_label("Model", exact=True).select_option("testcard")
    page.get_by_label("Duration").select_option("4")
    visit.shot("create-form")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r"/videos/video_\w+$"))
    return wait_ready(visit)


def post_from_progress_page(visit: Visit, caption: str) -> str:
    page = visit.page
    page.get_by_label("Caption").fill(caption)
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r"/p/post_\w+$"))
    visit.measure("post page")
    return page.url.rsplit("/", 1)[-1]


def slide(page: Page, post_id: str) -> object:
    return page.locator(f'li.slide[data-post-id="{post_id}"]')


def test_invite_create_post_follow_like_comment_remix_feeds_and_notifications(
    server: LiveServer, visits: Visits
) -> None:
    suffix = visits.suffix
    boss, dave = member(server, f"boss{suffix}", admin=True), member(server, f"dave{suffix}")
    carol = f"carol{suffix}"

    # The admin finds an unused invite code on the admin page.
    admin = visits.new("admin")
    admin.sign_in(boss)
    admin.open("/admin")
    invite = admin.page.locator("[data-invite]").first
    code = invite.get_attribute("data-invite")
    assert code and "unused" in invite.inner_text()
    admin.shot("admin-invites")

    # A new member signs up with it and lands on an empty feed.
    newcomer = visits.new("carol")
    page = newcomer.open(f"/signup?code={code}")
    expect(page.get_by_label("Invite code")).to_have_value(code)
    page.get_by_label("Handle").fill(carol)
    page.get_by_label("Email").fill(f"{carol}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Birthday").fill("1995-04-02")
    newcomer.shot("signup")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(server.base_url + "/")
    newcomer.measure("feed after sign-up")
    expect(page.get_by_role("heading", name="Your feed is empty")).to_be_visible()
    newcomer.shot("empty-feed")

    # They create a video, watch its progress, and post it.
    create_video(newcomer, "Test bars with a beep every second")
    newcomer.shot("ready")
    original = post_from_progress_page(newcomer, "My first bars")
    expect(newcomer.page.get_by_text("My first bars")).to_be_visible()
    newcomer.shot("posted")

    # A second member follows them, sees the post in Following, and likes it there.
    fan = visits.new("dave")
    fan.sign_in(dave)
    page = fan.open(f"/@{carol}")
    page.get_by_role("button", name=f"Follow @{carol}").click()
    expect(page.get_by_role("button", name=re.compile(f"Unfollow @{carol}"))).to_be_visible()
    fan.shot("followed")
    page = fan.open("/?tab=following")
    item = page.locator(f'li.slide[data-post-id="{original}"]')
    expect(item).to_be_visible()
    like = item.get_by_role("button", name=re.compile("^Like"))
    like.click()
    expect(item.get_by_role("button", name=re.compile(r"^Unlike \(1 likes\)"))).to_have_attribute(
        "aria-pressed", "true"
    )
    page.wait_for_function(
        f"() => document.querySelector('li[data-post-id=\"{original}\"] video').currentTime > 0.2"
    )
    fan.shot("following-feed-liked")

    # They comment and remix on the post page; the remix shows its lineage.
    page = fan.open(f"/p/{original}")
    page.get_by_label("Add a comment").fill("Lovely bars!")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("#comment-list").get_by_text("Lovely bars!")).to_be_visible()
    fan.shot("commented")
    page.get_by_label("What changes?").fill("Make the bars dance")
    page.get_by_role("button", name="Remix").click()
    page.wait_for_url(re.compile(r"/videos/video_\w+$"))
    wait_ready(fan)
    remix = post_from_progress_page(fan, "Dancing bars")
    lineage = fan.page.locator(".lineage")
    expect(lineage.get_by_role("link", name=re.compile(f"@{carol}"))).to_be_visible()
    fan.shot("remix-posted")

    # Both feeds: the creator's For you shows the remix of their post (and says why); their Following is
    # empty (they follow nobody); the fan's For you shows the original.
    page = newcomer.open("/")
    remix_slide = page.locator(f'li.slide[data-post-id="{remix}"]')
    expect(remix_slide).to_have_count(1)
    remix_slide.scroll_into_view_if_needed()
    remix_slide.get_by_text("Why this post").click()
    expect(remix_slide.locator(".why li").first).to_be_visible()
    newcomer.shot("creator-for-you")
    page = newcomer.open("/?tab=following")
    expect(page.get_by_role("heading", name="Nothing here yet")).to_be_visible()
    page = fan.open("/")
    expect(page.locator(f'li.slide[data-post-id="{original}"]')).to_have_count(1)

    # Steering by plain words.
    page.get_by_label("Steer your feed").fill("bars")
    page.get_by_label("Steer your feed").press("Enter")
    page.wait_for_url(re.compile(r"steer=bars"))
    fan.measure("steered feed")
    expect(page.get_by_label("Steer your feed")).to_have_value("bars")
    expect(page.locator("li.slide[data-post-id]").first).to_be_visible()
    fan.shot("steered")

    # The creator hears about it all.
    page = newcomer.open("/notifications")
    expect(page.get_by_text(re.compile(f"@{dave} started following you"))).to_be_visible()
    expect(page.locator('[data-kind="remix"]')).to_have_count(1)
    expect(page.locator('[data-kind="generation_finished"]').first).to_be_visible()
    newcomer.shot("notifications")
    page = newcomer.open(f"/p/{original}")
    expect(page.get_by_text("Lovely bars!")).to_be_visible()
    expect(page.locator("#like-count")).to_have_text("1")
    newcomer.shot("creator-post")


def test_waitlist_admission_and_the_review_queue(server: LiveServer, visits: Visits) -> None:
    suffix = visits.suffix
    boss, author, reporter = (
        member(server, f"{n}{suffix}", admin=n == "chief") for n in ("chief", "ivy", "jo")
    )
    hopeful = f"kim{suffix}"

    # Without a code, joining puts you on the waitlist, and the page says so.
    visitor = visits.new("kim")
    page = visitor.open("/signup")
    page.get_by_label("Handle").fill(hopeful)
    page.get_by_label("Email").fill(f"{hopeful}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Birthday").fill("2001-09-09")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#waitlisted")).to_contain_text("waitlist")
    visitor.shot("waitlisted")

    # Someone reports a post.
    writer = visits.new("ivy")
    writer.sign_in(author)
    create_video(writer, "Bars for the moderators")
    reported = post_from_progress_page(writer, "Report me")
    critic = visits.new("jo")
    critic.sign_in(reporter)
    page = critic.open(f"/p/{reported}")
    page.get_by_text("Report this post").click()
    page.get_by_label("Reason").select_option("spam")
    page.get_by_label("Details").fill("Looks like spam")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("a moderator will look at it")).to_be_visible()

    # The admin admits the waiting person (their code appears) and takes the reported post down.
    admin = visits.new("admin")
    admin.sign_in(boss)
    page = admin.open("/admin")
    page.get_by_role("button", name=f"Admit @{hopeful}").click()
    row = page.locator("tr", has_text=f"@{hopeful}")
    code = row.locator("code").inner_text()
    assert code
    item = page.locator("[data-review]", has_text="Looks like spam")
    expect(item).to_contain_text("report")
    admin.shot("review-queue")
    item.get_by_role("button", name=re.compile("^Take down")).click()
    expect(item).to_have_count(0)
    admin.shot("taken-down")
    with critic.expecting(rf"/p/{reported}$", 404):
        page = critic.open(f"/p/{reported}")
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    # The admitted person joins with the code reserved for their email.
    page = visitor.open(f"/signup?code={code}")
    page.get_by_label("Handle").fill(hopeful)
    page.get_by_label("Email").fill(f"{hopeful}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Birthday").fill("2001-09-09")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(server.base_url + "/")
    visitor.measure("feed after admission")
    visitor.shot("admitted")
