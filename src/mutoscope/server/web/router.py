"""The pages of the social app: each route gathers what its page shows through the domain services (the same
ones the JSON API uses, so a page never shows what the API would refuse) and renders a template. Everything a
page *does* (like, post, follow, cancel, upload) its scripts send to the JSON API with the session's CSRF token.

Pages that need an account send anonymous visitors to sign in and back; errors become HTML pages
(`rendering.PageRoute`). `/p/{id}` is the share permalink: browsers (which ask for HTML) get the post page,
API clients get the post's JSON as before.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from mutoscope.errors import InvalidRequestError
from mutoscope.server.accounts import waitlist
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.characters.onboarding import Onboarding
from mutoscope.server.characters.service import CharacterService
from mutoscope.server.feed.schemas import FeedPage, PostItem
from mutoscope.server.feed.service import FeedService
from mutoscope.server.generations.service import VideoService
from mutoscope.server.notifications.service import NotificationService
from mutoscope.server.posts.engagement import EngagementService
from mutoscope.server.posts.models import Like
from mutoscope.server.posts.schemas import REPORT_REASONS
from mutoscope.server.posts.service import PostService
from mutoscope.server.posts.views import Links
from mutoscope.server.runtime import Runtime, runtime
from mutoscope.server.social.profiles import ProfileService
from mutoscope.server.web import admin, settings_page
from mutoscope.server.web.rendering import PageRoute, render, render_fragment, sign_in_redirect
from mutoscope.server.web.studio import studio
from mutoscope.server.web.viewer import PageViewer, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)
State = Annotated[Runtime, Depends(runtime)]
FEED_PAGE = 6  # posts per feed page: a phone shows one at a time, so small pages render fastest
TABS = ("for_you", "following")


def _links(request: Request) -> Links:
    return Links(str(request.base_url).rstrip("/"))


# -- signing in and up -----------------------------------------------------------------------------------------


@router.get("/signin")
def signin_page(viewer: Viewer, next: str = "/") -> Response:
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    if viewer.signed_in:
        return RedirectResponse(target, status_code=303)
    return render("signin.html", page=viewer, title="Sign in", next=target)


@router.get("/signup")
def signup_page(viewer: Viewer, state: State, code: str = "") -> Response:
    if viewer.signed_in:
        return RedirectResponse("/", status_code=303)
    return render(
        "signup.html", page=viewer, title="Join", code=code.strip(), open=waitlist.signups_open(state)
    )


# -- the feed --------------------------------------------------------------------------------------------------


@router.get("/")
def feed_page(
    request: Request, viewer: Viewer, state: State, tab: str = "for_you", steer: str = ""
) -> Response:
    if not viewer.signed_in:
        return sign_in_redirect(request)
    tab = tab if tab in TABS else "for_you"
    page, problem = _feed(request, state, viewer, tab=tab, steer=steer.strip(), cursor=None)
    return render(
        "feed.html",
        page=viewer,
        title="Feed",
        tab=tab,
        steer=steer.strip(),
        feed=page,
        problem=problem,
        liked_ids=liked_posts(state, viewer.require(), page),
    )


@router.get("/feed/page")
def feed_fragment(
    request: Request,
    viewer: Viewer,
    state: State,
    *,
    tab: str = "for_you",
    cursor: Annotated[str, Query(min_length=1)] = "",
    steer: str = "",
) -> Response:
    """The next page of a feed as HTML items (the feed's script appends them); `X-Next-Cursor` says what follows."""
    viewer.require()
    page, problem = _feed(
        request, state, viewer, tab=tab if tab in TABS else "for_you", steer=steer, cursor=cursor
    )
    if problem is not None or page is None:
        raise InvalidRequestError(problem or "That feed page could not be loaded.", param="cursor")
    headers = {"x-next-cursor": page.next_cursor} if page.next_cursor else {}
    return render_fragment(
        "feed_items.html",
        headers=headers,
        feed=page,
        page=viewer,
        liked_ids=liked_posts(state, viewer.require(), page),
    )


def _feed(
    request: Request, state: Runtime, viewer: PageViewer, *, tab: str, steer: str, cursor: str | None
) -> tuple[FeedPage | None, str | None]:
    service = FeedService(state, _links(request))
    principal = viewer.require()
    try:
        if tab == "following":
            return service.following(principal, cursor=cursor, limit=FEED_PAGE), None
        return service.for_you(principal, steer=steer or None, cursor=cursor, limit=FEED_PAGE), None
    except InvalidRequestError as exc:  # a steer the feed cannot use is said on the page, not an error page
        return None, exc.message


def liked_posts(state: Runtime, principal: Principal, page: FeedPage | None) -> set[str]:
    """Which of a feed page's posts the viewer has liked (the feed's items do not say)."""
    ids = [item.post.id for item in page.data if isinstance(item, PostItem)] if page is not None else []
    if not ids:
        return set()
    with state.db.session() as session:
        return set(
            session.scalars(
                select(Like.post_id).where(Like.user_id == principal.user_id, Like.post_id.in_(ids))
            )
        )


# -- making ----------------------------------------------------------------------------------------------------


@router.get("/create")
def create_page(viewer: Viewer, state: State, prompt: str = "") -> Response:
    principal = viewer.require()
    return render("create.html", page=viewer, title="Create", studio=studio(state, principal), prompt=prompt)


@router.get("/storyboard")
def storyboard_page(viewer: Viewer, state: State) -> Response:
    principal = viewer.require()
    return render("storyboard.html", page=viewer, title="Storyboard", studio=studio(state, principal))


@router.get("/videos/{video_id}")
def video_page(video_id: str, viewer: Viewer, state: State) -> Response:
    video = VideoService(state).get(viewer.require(), video_id)
    return render("video.html", page=viewer, title="Your video", video=video)


@router.get("/drafts")
def drafts_page(request: Request, viewer: Viewer, state: State, before: str | None = None) -> Response:
    drafts = PostService(state, _links(request)).drafts(viewer.require(), before=before, limit=24)
    return render("drafts.html", page=viewer, title="Drafts", drafts=drafts)


# -- posts and people ------------------------------------------------------------------------------------------


@router.get("/p/{post_id}", response_model=None)
async def post_page(post_id: str, request: Request, viewer: Viewer, state: State) -> Response:
    posts = PostService(state, _links(request))
    if "text/html" not in request.headers.get("accept", ""):
        post = await run_in_threadpool(posts.get, viewer.principal, post_id)
        return JSONResponse(post.model_dump(mode="json"))
    post = await run_in_threadpool(posts.get, viewer.principal, post_id)
    comments = await run_in_threadpool(
        EngagementService(state).comments, viewer.principal, post_id, after=None, limit=50
    )
    return render(
        "post.html",
        page=viewer,
        title=f"{post.author.display_name}: {post.caption[:60]}"
        if post.caption
        else post.author.display_name,
        post=post,
        comments=comments,
        reasons=REPORT_REASONS,
    )


@router.get("/@{handle}")
def profile_page(request: Request, handle: str, viewer: Viewer, state: State) -> Response:
    profile = ProfileService(state).get(viewer.principal, handle)
    posts = PostService(state, _links(request)).by_author(viewer.principal, handle, before=None, limit=30)
    return render(
        "profile.html",
        page=viewer,
        title=f"{profile.display_name} (@{profile.handle})",
        profile=profile,
        posts=posts,
        characters=settings_page.public_characters(state, viewer.principal, profile.handle),
        profile_id=settings_page.user_id(state, profile.handle),
        reasons=REPORT_REASONS,
    )


@router.get("/notifications")
def notifications_page(viewer: Viewer, state: State) -> Response:
    listed = NotificationService(state).list(viewer.require(), unread_only=False, before=None, limit=50)
    return render("notifications.html", page=viewer, title="Notifications", notifications=listed)


# -- characters -----------------------------------------------------------------------------------------------


@router.get("/characters")
def characters_page(viewer: Viewer, state: State) -> Response:
    principal = viewer.require()
    listed = CharacterService(state).list_characters(principal, scope="usable").data
    mine = [c for c in listed if c.is_owner]
    shared = [c for c in listed if not c.is_owner]
    return render("characters.html", page=viewer, title="Characters", mine=mine, shared=shared)


@router.get("/characters/new")
def onboarding_page(viewer: Viewer, state: State) -> Response:
    principal = viewer.require()
    decisions = Onboarding(state).decisions(principal).data[:5]
    return render("character_new.html", page=viewer, title="New character", decisions=decisions)


@router.get("/characters/{character_id}")
def character_page(character_id: str, viewer: Viewer, state: State) -> Response:
    principal = viewer.require()
    service = CharacterService(state)
    character = service.get(principal, character_id)
    if not character.is_owner:
        return render("character_shared.html", page=viewer, title=character.name, character=character)
    return render(
        "character.html",
        page=viewer,
        title=character.name,
        character=character,
        approvals=service.approvals(principal, character_id).data,
        uses=service.uses(principal, character_id).data,
    )


# -- settings and admin ----------------------------------------------------------------------------------------


@router.get("/settings")
def settings_view(viewer: Viewer, state: State) -> Response:
    principal = viewer.require()
    return render(
        "settings.html", page=viewer, title="Settings", account=settings_page.account(state, principal)
    )


@router.get("/admin")
def admin_view(viewer: Viewer, state: State) -> Response:
    principal = viewer.require_admin()
    return render(
        "admin.html",
        page=viewer,
        title="Admin",
        desk=admin.desk(state, principal),
        target_link=admin.target_link,
    )
