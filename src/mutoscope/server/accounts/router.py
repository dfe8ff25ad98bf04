"""`/api/auth`, `/api/me` and `/api/admin`: joining, signing in and out, one's own account, and the admin's
sign-up controls. Thin: parse, call the services, shape the response, set or clear the session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from mutoscope.errors import NotFoundError
from mutoscope.server.accounts import waitlist
from mutoscope.server.accounts.auth import (
    Principal,
    optional_principal,
    require_admin,
    require_principal,
    session_token,
)
from mutoscope.server.accounts.bodies import read_fields, validate_fields
from mutoscope.server.accounts.deletion import delete_account
from mutoscope.server.accounts.invites import issue_member_invites, member_invites
from mutoscope.server.accounts.models import LoginSession, User
from mutoscope.server.accounts.registration import Joined, SignupBody, sign_up
from mutoscope.server.accounts.schemas import (
    AccountDeleted,
    InviteList,
    MeObject,
    SignupJoined,
    SignupsChange,
    SignupsState,
    SignupWaitlisted,
    WaitlistEntryObject,
    WaitlistList,
    invite_object,
    me_object,
    waitlist_object,
)
from mutoscope.server.accounts.sessions import COOKIE_NAME, OpenedSession
from mutoscope.server.accounts.signin import LoginBody, sign_in, sign_out
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/api", tags=["accounts"])
Caller = Annotated[Principal, Depends(require_principal)]
Admin = Annotated[Principal, Depends(require_admin)]
State = Annotated[Runtime, Depends(runtime)]

_WAITLIST_DETAIL = {
    "missing": "Sign-ups are invite-only right now; you are on the waitlist.",
    "unknown": "That invite code does not exist; you are on the waitlist instead.",
    "used": "That invite code has already been used; you are on the waitlist instead.",
    "reserved": "That invite code was made for another email; you are on the waitlist instead.",
}


# -- joining and signing in ----------------------------------------------------------------------------------


@router.post("/auth/signup", status_code=201, response_model=SignupJoined | SignupWaitlisted)
async def signup(request: Request, response: Response, state: State) -> SignupJoined | SignupWaitlisted:
    body = validate_fields(SignupBody, await read_fields(request))
    outcome = await run_in_threadpool(sign_up, state, body)
    if isinstance(outcome, Joined):
        _set_cookie(request, response, outcome.session)
        return SignupJoined(user=me_object(outcome.user, csrf_token=outcome.session.csrf_token))
    response.status_code = 202
    return SignupWaitlisted(
        waitlist_id=outcome.entry_id,
        reason=outcome.reason.value,
        detail=_WAITLIST_DETAIL[outcome.reason.value],
    )


@router.post("/auth/login", response_model=MeObject)
async def login(request: Request, response: Response, state: State) -> MeObject:
    body = validate_fields(LoginBody, await read_fields(request))
    client = request.client.host if request.client is not None else "unknown"
    signed_in = await run_in_threadpool(
        sign_in, state, body, client=client, previous_token=session_token(request)
    )
    _set_cookie(request, response, signed_in.session)
    return me_object(signed_in.user, csrf_token=signed_in.session.csrf_token)


@router.post("/auth/logout", status_code=204, response_class=Response)
async def logout(request: Request, state: State) -> Response:
    # A live session must prove it is this site asking (CSRF); a stale cookie is simply cleared.
    await optional_principal(request)
    await run_in_threadpool(sign_out, state, session_token(request))
    response = Response(status_code=204)
    _clear_cookie(request, response)
    return response


# -- one's own account ---------------------------------------------------------------------------------------


@router.get("/me", response_model=MeObject)
def get_me(caller: Caller, state: State) -> MeObject:
    with state.db.session() as session:
        user = session.get(User, caller.user_id)
        if user is None:
            raise NotFoundError("That account no longer exists.")
        csrf = None
        if caller.session_id is not None:
            row = session.get(LoginSession, caller.session_id)
            csrf = row.csrf_token if row is not None else None
        return me_object(user, csrf_token=csrf)


@router.delete("/me", response_model=AccountDeleted)
def delete_me(request: Request, response: Response, caller: Caller, state: State) -> AccountDeleted:
    deleted = delete_account(state, caller.user_id)
    _clear_cookie(request, response)
    return AccountDeleted(id=deleted.user_id, handle=deleted.handle, blobs_deleted=deleted.blobs_deleted)


@router.get("/me/invites", response_model=InviteList)
def get_my_invites(caller: Caller, state: State) -> InviteList:
    with state.db.session() as session:
        views = member_invites(session, caller.user_id)
    if not views:  # members made before invites existed (or by `keys create`) get theirs on first look
        with state.db.write_session() as session:
            user = session.get(User, caller.user_id)
            if user is not None:
                issue_member_invites(session, user, state.settings.accounts.invites_per_member)
            views = member_invites(session, caller.user_id)
    data = [invite_object(view) for view in views]
    return InviteList(data=data, remaining=sum(1 for item in data if item.used_at is None))


# -- admin ---------------------------------------------------------------------------------------------------


@router.get("/admin/signups", response_model=SignupsState)
def get_signups(admin: Admin, state: State) -> SignupsState:
    del admin
    return SignupsState(open=waitlist.signups_open(state))


@router.post("/admin/signups", response_model=SignupsState)
async def change_signups(request: Request, admin: Admin, state: State) -> SignupsState:
    del admin
    change = validate_fields(SignupsChange, await read_fields(request))
    return SignupsState(open=await run_in_threadpool(waitlist.set_signups_open, state, change.open))


@router.get("/admin/waitlist", response_model=WaitlistList)
def list_waitlist(
    admin: Admin,
    state: State,
    status: str = "waiting",
    after: str | None = None,
    limit: Annotated[int, Query()] = 50,
) -> WaitlistList:
    del admin
    page = waitlist.list_waitlist(state, status=status, after=after, limit=limit)
    data = [waitlist_object(entry) for entry in page.entries]
    return WaitlistList(data=data, last_id=data[-1].id if data else None, has_more=page.has_more)


@router.post("/admin/waitlist/{entry_id}/admit", response_model=WaitlistEntryObject)
def admit_from_waitlist(entry_id: str, admin: Admin, state: State) -> WaitlistEntryObject:
    del admin
    return waitlist_object(waitlist.admit(state, entry_id))


# -- the cookie ----------------------------------------------------------------------------------------------


def _set_cookie(request: Request, response: Response, opened: OpenedSession) -> None:
    response.set_cookie(
        COOKIE_NAME,
        opened.token,
        max_age=opened.max_age_s,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _clear_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
