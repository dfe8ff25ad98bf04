"""Characters in the web app, in a real Chromium with a fake camera and microphone.

Chromium plays files as its camera and microphone; the test writes them when the page asks for its liveness
challenge (a rendered face that reads the challenge's digits aloud and turns as asked: the same fixtures the
liveness tests use), so the recording the page makes answers the challenge the server issued. The owner
onboards, shares the character with one person, who casts it; someone else's attempt to use it fails in the
page; the owner finds the other person's draft on the character's page and deletes it.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, Route, expect

from live_server import LiveServer
from liveness_fixtures import recording, script_for
from mutoscope.likeness.challenge import Challenge
from web_support import (
    MediaFiles,
    Visit,
    Visits,
    browser_fixture,
    member,
    server_fixture,
    video_when_ready,
    visits_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VERDICT_TIMEOUT_MS = 120_000


server = server_fixture()
browser = browser_fixture()
visits = visits_fixture()


def write_y4m(path: Path, frames: np.ndarray, fps: int) -> None:
    """Frames (RGB) as a YUV 4:2:0 Y4M file, what Chromium's fake camera plays."""
    _, height, width, _ = frames.shape
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2YUV_I420).tobytes())


def write_wav(path: Path, audio: np.ndarray, rate_hz: int) -> None:
    mono = np.clip(audio.mean(axis=0), -1.0, 1.0)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate_hz)
        out.writeframes((mono * 32767).astype("<i2").tobytes())


def answer_challenges_with(visit: Visit, media: MediaFiles) -> None:
    """When the page asks for a challenge, make the fake camera and microphone perform it."""

    def handle(route: Route) -> None:
        response = route.fetch()
        challenge = Challenge.from_dict(response.json())
        clip = recording(script_for(challenge, duration_s=round(challenge.min_recording_s + 3.0, 2)))
        write_y4m(media.video, np.asarray(clip.frames), clip.fps)
        write_wav(media.audio, clip.audio, 48_000)
        route.fulfill(response=response)

    visit.page.route("**/api/characters/challenges", handle)


def test_onboard_share_with_approved_person_refuse_others_and_delete_their_draft(
    server: LiveServer, visits: Visits, browser: tuple[Browser, MediaFiles]
) -> None:
    suffix = visits.suffix
    erin, gus, hal = (member(server, f"{name}{suffix}") for name in ("erin", "gus", "hal"))
    handle = f"erinlive{suffix}"

    # The owner onboards herself: the page shows the digits and turns while recording, then the verdict.
    owner = visits.new("erin")
    owner.sign_in(erin)
    answer_challenges_with(owner, browser[1])
    page = owner.open("/characters/new")
    person = page.locator("#person")
    person.get_by_label("Name", exact=True).fill("Erin Live")
    person.get_by_label("Handle").fill(handle)
    owner.shot("onboarding-form")
    page.get_by_role("button", name="Start the recording").click()
    expect(page.locator("#digit")).to_have_text(
        re.compile(r"^\d$"), timeout=60_000
    )  # after the fixture renders
    owner.shot("reading-a-digit")
    expect(page.locator("#turn")).to_have_text(re.compile("Turn|Look"), timeout=15_000)
    owner.shot("turning")
    verdict = page.get_by_role("alert")
    expect(verdict).to_contain_text("Verified", timeout=VERDICT_TIMEOUT_MS)
    owner.shot("verified")

    # She lets only the people she approves use it, and approves one person.
    page.get_by_role("link", name="Choose who may use it").click()
    page.wait_for_url(re.compile(r"/characters/char_\w+$"))
    owner.measure("character page")
    character_url = page.url
    page.get_by_label("People I approve", exact=True).check()
    page.get_by_role("button", name="Save audience").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_label("Approve someone").fill(f"@{gus}")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#approvals").get_by_text(f"@{gus}")).to_be_visible()
    owner.shot("shared-with-approved")

    # The approved person finds it in the create page's picker and makes a draft with it.
    friend = visits.new("gus")
    friend.sign_in(gus)
    page = friend.open("/create")
    page.get_by_label("Prompt").fill("A person waves hello at the camera")
    page.get_by_label("Model", exact=True).select_option("testcard")
    page.get_by_role("checkbox", name=re.compile("Erin Live")).check()
    friend.shot("casting-the-character")
    page.get_by_role("button", name="Generate").click()
    draft_id = video_when_ready(page)
    friend.shot("draft-with-character")

    # Someone she has not approved does not see it in the picker, and naming it in a prompt fails in the page.
    stranger = visits.new("hal")
    stranger.sign_in(hal)
    page = stranger.open("/create")
    expect(page.get_by_role("checkbox", name=re.compile("Erin Live"))).to_have_count(0)
    page.get_by_label("Prompt").fill(f"@{handle} dances on a table")
    page.get_by_label("Model", exact=True).select_option("testcard")
    with stranger.expecting(r"/v1/videos$", 403):
        page.get_by_role("button", name="Generate").click()
        error = page.locator("#prompt-error")
        expect(error).to_contain_text("not allowed to use")
    expect(page.get_by_label("Prompt")).to_have_attribute("aria-invalid", "true")
    assert page.url.endswith("/create")
    stranger.shot("refused")

    # The owner sees the approved person's draft on the character's page and deletes it.
    page = owner.open(character_url.removeprefix(server.base_url))
    use = page.locator(f'[data-video-id="{draft_id}"]')
    expect(use).to_contain_text(f"@{gus}")
    expect(use).to_contain_text("draft")
    owner.shot("others-draft-listed")
    page.once("dialog", lambda dialog: dialog.accept())
    use.get_by_role("button", name=re.compile("Delete the video")).click()
    expect(use).to_have_count(0)
    owner.shot("draft-deleted")
    page = friend.open("/drafts")
    expect(page.locator(f'[data-video-id="{draft_id}"]')).to_have_count(0)
    friend.shot("draft-gone")
