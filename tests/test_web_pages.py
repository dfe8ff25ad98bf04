"""Every page in a real Chromium at phone and desktop sizes: accessible names, visible keyboard focus, first
paint and weight; the storyboard editor driven by keyboard; cancelling a generation; subtitles in the player.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import expect

from characters_support import seed_character
from live_server import LiveServer
from mutoscope.jobs.models import Job
from web_support import (
    Visit,
    Visits,
    browser_fixture,
    member,
    server_fixture,
    user_id,
    video_when_ready,
    visits_fixture,
)

pytestmark = pytest.mark.browser

# Every control has a name a screen reader can say; every image says what it shows (or alt="" if decorative).
UNNAMED = """() => {
  const problems = [];
  const text = (node) => (node ? node.textContent.replace(/\\s+/g, " ").trim() : "");
  const named = (el) => {
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    const by = el.getAttribute("aria-labelledby");
    if (by && by.split(/\\s+/).some((id) => text(document.getElementById(id)))) return true;
    if (el.labels && [...el.labels].some((label) => text(label))) return true;
    if ((el.getAttribute("title") || "").trim()) return true;
    if (["A", "BUTTON", "SUMMARY"].includes(el.tagName)) {
      if (text(el)) return true;
      if ([...el.querySelectorAll("img[alt]")].some((img) => img.alt.trim())) return true;
    }
    return false;
  };
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary, video, "
    + "[tabindex]:not([tabindex='-1'])";
  for (const el of document.querySelectorAll(controls)) {
    if (!named(el)) problems.push(`no accessible name: ${el.outerHTML.slice(0, 140)}`);
  }
  for (const img of document.querySelectorAll("img:not([alt])")) {
    problems.push(`image without alt: ${img.outerHTML.slice(0, 140)}`);
  }
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  if (!document.querySelector("h1")) problems.push("no h1");
  return problems;
}"""

# What has keyboard focus, and whether the focus is drawn (an outline or a ring), for each Tab press.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== "none";
  const name = (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().slice(0, 40);
  return { tag: el.tagName, name, visible: outline || ring };
}"""


server = server_fixture()
browser = browser_fixture()


@pytest.fixture(scope="module")
def world(server: LiveServer) -> dict[str, str]:
    """A member with a posted video (with recorded dialogue), a draft, a character, a follower and a notification."""
    owner, fan, boss = member(server, "paula"), member(server, "quentin"), member(server, "rita", admin=True)
    api = server.http()
    api.headers["Authorization"] = f"Bearer {server.user(owner)}"
    fan_api = server.http(server.user(fan))
    posted = finished_video(server, api, "The posted one")
    with_dialogue(server, posted)
    post_id = api.post("/api/posts", json={"video_id": posted, "caption": "Hello world"}).json()["id"]
    draft = finished_video(server, api, "The draft")
    fan_api.post(f"/api/profiles/{owner}/follow").raise_for_status()
    fan_api.post(f"/api/posts/{post_id}/comments", json={"body": "Nice one"}).raise_for_status()
    character = seed_character(server, user_id(server, owner), name="Paula Pet", kind="pet")
    return {
        "owner": owner,
        "fan": fan,
        "admin": boss,
        "post": post_id,
        "video": posted,
        "draft": draft,
        "character": character.id,
    }


def finished_video(server: LiveServer, api: httpx.Client, prompt: str) -> str:
    video = api.post("/v1/videos", json={"prompt": prompt, "model": "testcard", "seconds": "4"}).json()
    for _ in range(600):
        state = api.get(f"/v1/videos/{video['id']}").json()
        if state["status"] == "completed":
            return str(video["id"])
        assert state["status"] in ("queued", "in_progress"), state
        import time

        time.sleep(0.1)
    raise AssertionError("the video did not finish")


def with_dialogue(server: LiveServer, video_id: str) -> None:
    """Give a finished video recorded dialogue, as the procedural backend records it."""
    with server.runtime.db.session() as session:
        key = session.get(Job, video_id).result["blobs"]["metadata"]
    recorded = json.loads(server.runtime.blobs.read_bytes(key))
    recorded.setdefault("extra", {})["dialogue"] = [
        {
            "speaker": "Ann",
            "text": "Hello there, world!",
            "language": "en",
            "start_s": 0.5,
            "end_s": 1.6,
            "words": [
                {"text": "Hello", "start_s": 0.5, "end_s": 0.8},
                {"text": "there,", "start_s": 0.8, "end_s": 1.1},
                {"text": "world!", "start_s": 1.1, "end_s": 1.6},
            ],
        },
        {"speaker": "Bo", "text": "Hi!", "language": "en", "start_s": 2.0, "end_s": 2.5, "words": []},
    ]
    server.runtime.blobs.put_bytes(key, json.dumps(recorded).encode())


visits = visits_fixture()


def audit(visit: Visit, path: str, tabs: int = 8) -> None:
    """Open a page, check names and focus, and leave a screenshot."""
    page = visit.open(path)
    problems = page.evaluate(UNNAMED)
    assert not problems, f"{path}:\n" + "\n".join(problems)
    seen = []
    for _ in range(tabs):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None:
            continue
        seen.append(focus)
        assert focus["visible"], f"{path}: focus is not visible on {focus}"
    assert seen, f"{path}: nothing takes keyboard focus"
    visit.shot(re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home")


def test_every_page_is_named_focusable_fast_and_light(visits: Visits, world: dict[str, str]) -> None:
    anonymous = visits.new("anonymous")
    for path in ("/signin", "/signup", f"/p/{world['post']}", f"/@{world['owner']}"):
        audit(anonymous, path)
    owner = visits.new("owner")
    owner.sign_in(world["owner"])
    for path in (
        "/",
        "/?tab=following",
        "/create",
        "/storyboard",
        "/drafts",
        f"/videos/{world['draft']}",
        f"/p/{world['post']}",
        f"/@{world['owner']}",
        f"/@{world['fan']}",
        "/notifications",
        "/settings",
        "/characters",
        "/characters/new",
        f"/characters/{world['character']}",
    ):
        audit(owner, path)
    admin = visits.new("admin")
    admin.sign_in(world["admin"])
    audit(admin, "/admin")
    slowest = max((ms, label) for v in visits.opened for label, ms in v.timings.items())
    print(f"slowest first paint: {slowest[0]:.0f} ms ({slowest[1]})")


def test_subtitles_from_recorded_dialogue_play_in_the_player(visits: Visits, world: dict[str, str]) -> None:
    visit = visits.new("viewer")
    page = visit.open(f"/p/{world['post']}")
    page.wait_for_function(
        "() => { const t = document.querySelector('video').textTracks[0]; return t && t.cues && t.cues.length > 0; }"
    )
    cues = page.evaluate(
        "() => [...document.querySelector('video').textTracks[0].cues].map(c => [c.startTime, c.endTime, c.text])"
    )
    assert cues == [[0.5, 1.6, "<v Ann>Hello there, world!"], [2.0, 2.5, "<v Bo>Hi!"]]
    page.evaluate("() => { const v = document.querySelector('video'); v.pause(); v.currentTime = 0.7; }")
    page.wait_for_function("() => document.querySelector('video').textTracks[0].activeCues.length === 1")
    visit.shot("subtitle-showing")


def test_storyboard_by_keyboard_makes_one_generation_from_the_shots(
    server: LiveServer, visits: Visits, world: dict[str, str]
) -> None:
    visit = visits.new("storyteller")
    visit.sign_in(world["owner"])
    page = visit.open("/storyboard")
    shots = page.locator("#shots > li")
    expect(shots).to_have_count(2)
    shots.nth(0).get_by_label("What happens").fill("A cat sits on a wall")
    shots.nth(0).get_by_label("Length in seconds").fill("2")
    shots.nth(1).get_by_label("What happens").fill("The cat jumps down")
    shots.nth(1).get_by_label("Length in seconds").fill("2.5")
    page.get_by_role("button", name="Add a shot").focus()
    page.keyboard.press("Enter")
    expect(shots).to_have_count(3)
    page.keyboard.type("The cat bows")  # the new shot's prompt has focus
    shots.nth(2).get_by_label("Length in seconds").fill("1.5")
    page.get_by_role("button", name="Move shot 3 up").focus()
    page.keyboard.press("Enter")  # the bow now comes second
    page.get_by_role("button", name="Remove shot 1").focus()
    page.keyboard.press("Enter")
    expect(shots).to_have_count(2)
    expect(page.locator("#total")).to_have_text(re.compile(r"2 shots, 4 seconds in all"))
    expect(shots.nth(0).get_by_label("What happens")).to_have_value("The cat bows")
    page.get_by_label("Model", exact=True).select_option("testcard")
    visit.shot("storyboard")
    page.get_by_role("button", name="Generate from the storyboard").click()
    video_id = video_when_ready(page)
    visit.shot("storyboard-ready")
    with server.runtime.db.session() as session:
        payload = session.get(Job, video_id).payload
    assert payload["shots"] == [["The cat bows", 1.5], ["The cat jumps down", 2.5]]
    assert payload["duration_s"] == 4.0


def test_cancel_a_running_generation(visits: Visits, world: dict[str, str]) -> None:
    visit = visits.new("canceller")
    visit.sign_in(world["fan"])
    page = visit.open("/create")
    page.get_by_label("Prompt").fill("A long, slow walk along a beach at sunset")
    page.get_by_label("Duration").select_option("20")
    page.get_by_label("Size", exact=True).select_option("1920x1080")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r"/videos/video_\w+$"))
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", name="This generation stopped")).to_be_visible(timeout=30_000)
    expect(page.locator("#failure")).to_contain_text("cancelled")
    visit.shot("cancelled")
    page = visit.open("/drafts")
    expect(page.locator(".status.failed").first).to_be_visible()
