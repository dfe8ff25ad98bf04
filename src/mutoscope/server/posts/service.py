"""Posts: drafts, publishing a finished video with a caption, reading a post with its remix family, deleting
it, a creator's posts, the post's media, and remixing a post into the caller's drafts.

Publishing checks everything before writing (the video is the caller's, finished, and not posted yet), then
writes the post, its parent's remix count and the parent author's notification in one transaction. Reads apply
`visibility` everywhere: a post the viewer may not see is "not found", and in a remix chain it is a placeholder.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError, PermissionDeniedError
from mutoscope.ids import new_id
from mutoscope.jobs.models import Job
from mutoscope.jobs.states import JobState
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.models import User
from mutoscope.server.accounts.service import normalize_handle
from mutoscope.server.feed.embeddings import embed_post
from mutoscope.server.generations.models import Video
from mutoscope.server.generations.schemas import VideoObject
from mutoscope.server.generations.service import VideoService
from mutoscope.server.notifications.service import REMIX, notify
from mutoscope.server.posts import counters, lineage, paging
from mutoscope.server.posts.models import Like, Post
from mutoscope.server.posts.schemas import (
    DraftList,
    DraftView,
    PostDeleted,
    PostList,
    PostView,
    PublishRequest,
)
from mutoscope.server.posts.views import Links, summaries, user_ref
from mutoscope.server.posts.visibility import Viewer, blocked_authors, can_see, visible_clause, visible_post
from mutoscope.server.runtime import Runtime
from mutoscope.server.social.service import is_blocked_either_way

REMIXES_SHOWN = 20
MediaVariant = Literal["video", "thumbnail"]
Status = Literal["queued", "in_progress", "completed", "failed"]
MEDIA_TYPES = {"video": "video/mp4", "thumbnail": "image/webp"}
_STATUS: dict[str, Status] = {
    JobState.queued: "queued",
    JobState.in_progress: "in_progress",
    JobState.completed: "completed",
}


class PostService:
    def __init__(self, runtime: Runtime, links: Links) -> None:
        self._rt = runtime
        self._links = links

    # -- drafts and publishing -------------------------------------------------------------------------------

    def drafts(self, principal: Principal, *, before: str | None, limit: int) -> DraftList:
        """The caller's videos that have no post yet (every generation lands here), newest first."""
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            query = (
                select(Video, Job)
                .outerjoin(Job, Job.id == Video.id)
                .where(Video.owner_id == principal.user_id, ~exists().where(Post.video_id == Video.id))
            )
            cursor = paging.cursor_at(
                session, Video, before, "before", visible=lambda video: video.owner_id == principal.user_id
            )
            rows = session.execute(
                paging.page(query, Video.created_at, Video.id, cursor=cursor, limit=limit)
            ).all()
            data = [self._draft(video, job) for video, job in rows[:limit]]
        return DraftList(
            data=data, has_more=len(rows) > limit, next_before=data[-1].video_id if data else None
        )

    def publish(self, principal: Principal, request: PublishRequest) -> PostView:
        try:
            with self._rt.db.write_session() as session:
                video = session.get(Video, request.video_id)
                if video is None or video.owner_id != principal.user_id:
                    raise NotFoundError(f"No video found with id '{request.video_id}'.", param="video_id")
                job = session.get(Job, video.id)
                if job is None or job.state != JobState.completed:
                    raise InvalidRequestError(
                        f"Video '{video.id}' is not finished yet (status: {_status(job)}); only a completed "
                        "video can be posted.",
                        param="video_id",
                        code="video_not_ready",
                    )
                if session.scalar(select(Post.id).where(Post.video_id == video.id)) is not None:
                    raise _already_posted(video.id)
                remix_of, root = lineage.remix_origin(session, video)
                post = Post(
                    id=new_id("post"),
                    video_id=video.id,
                    author_id=principal.user_id,
                    caption=request.caption,
                    remix_of_post_id=remix_of,
                    root_post_id=root,
                )
                counters.add_post(session, post)
                if remix_of is not None:
                    self._tell_remixed(session, principal, post, remix_of)
                view = self._view(session, principal, post)
        except IntegrityError as error:
            if not self._is_posted(request.video_id):
                raise
            raise _already_posted(request.video_id) from error  # a concurrent publish of it won the race
        # Embedded for steering in its own transaction: a missing model must not stop anyone from posting.
        with self._rt.db.write_session() as session:
            embed_post(session, view.id)
        return view

    def _is_posted(self, video_id: str) -> bool:
        with self._rt.db.session() as session:
            return session.scalar(select(Post.id).where(Post.video_id == video_id)) is not None

    def _tell_remixed(self, session: Session, principal: Principal, post: Post, parent_id: str) -> None:
        parent = session.get(Post, parent_id)
        if parent is None or parent.author_id == principal.user_id:
            return
        if is_blocked_either_way(session, principal.user_id, parent.author_id):
            return
        notify(
            session,
            user_id=parent.author_id,
            kind=REMIX,
            actor_id=principal.user_id,
            subject_id=post.id,
            data={"post_id": post.id, "remixed_post_id": parent.id},
        )

    # -- reading ---------------------------------------------------------------------------------------------

    def get(self, viewer: Viewer, post_id: str) -> PostView:
        with self._rt.db.session() as session:
            return self._view(session, viewer, visible_post(session, viewer, post_id))

    def remixes(self, viewer: Viewer, post_id: str, *, before: str | None, limit: int) -> PostList:
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            post = visible_post(session, viewer, post_id)
            return self._list(session, viewer, Post.remix_of_post_id == post.id, before=before, limit=limit)

    def by_author(self, viewer: Viewer, handle: str, *, before: str | None, limit: int) -> PostList:
        """A creator's posts, newest first."""
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            author = session.scalar(select(User).where(User.handle == normalize_handle(handle)))
            if author is None or (
                viewer is not None and is_blocked_either_way(session, viewer.user_id, author.id)
            ):
                raise NotFoundError(f"No user found with handle '{handle}'.", param="handle")
            return self._list(session, viewer, Post.author_id == author.id, before=before, limit=limit)

    def media(self, viewer: Viewer, post_id: str, variant: MediaVariant) -> tuple[str, str]:
        """(blob key, media type) of a visible post's video or thumbnail."""
        with self._rt.db.session() as session:
            post = visible_post(session, viewer, post_id)
            job = session.get(Job, post.video_id)
            key = ((job.result if job is not None else None) or {}).get("blobs", {}).get(variant)
        if not isinstance(key, str) or not self._rt.blobs.exists(key):
            raise NotFoundError(f"Post '{post_id}' has no stored {variant}.", param="variant")
        return key, MEDIA_TYPES[variant]

    # -- changing --------------------------------------------------------------------------------------------

    def delete(self, principal: Principal, post_id: str) -> PostDeleted:
        """Unpublish a post (its author or an admin): the video goes back to its owner's drafts."""
        with self._rt.db.write_session() as session:
            post = visible_post(session, principal, post_id)
            if post.author_id != principal.user_id and not principal.is_admin:
                raise PermissionDeniedError(
                    "Only the post's author or an admin can delete a post.", param="post_id"
                )
            counters.remove_post(session, post.id)
        return PostDeleted(id=post_id)

    def remix(self, principal: Principal, post_id: str, prompt: str) -> VideoObject:
        """A new generation remixing the post's video, queued into the caller's drafts."""
        with self._rt.db.session() as session:
            video_id = visible_post(session, principal, post_id).video_id
        return VideoService(self._rt).remix_from(principal, video_id, prompt, allow_foreign=True)

    # -- shaping ---------------------------------------------------------------------------------------------

    def _list(
        self, session: Session, viewer: Viewer, where: ColumnElement[bool], *, before: str | None, limit: int
    ) -> PostList:
        blocked = blocked_authors(session, viewer)
        query = select(Post).where(where, visible_clause(viewer, blocked))
        cursor = paging.cursor_at(
            session,
            Post,
            before,
            "before",
            visible=lambda post: can_see(session, viewer, post, blocked=blocked),
        )
        posts = list(
            session.scalars(paging.page(query, Post.created_at, Post.id, cursor=cursor, limit=limit))
        )
        shown = posts[:limit]
        return PostList(
            data=summaries(session, shown, self._links),
            has_more=len(posts) > limit,
            next_before=shown[-1].id if shown else None,
        )

    def _view(self, session: Session, viewer: Viewer, post: Post) -> PostView:
        blocked = blocked_authors(session, viewer)
        author = session.get(User, post.author_id)
        video = session.get(Video, post.video_id)
        assert author is not None and video is not None  # foreign keys with ON DELETE CASCADE
        parent = session.get(Post, post.remix_of_post_id) if post.remix_of_post_id is not None else None
        remixes = session.scalars(
            select(Post)
            .where(Post.remix_of_post_id == post.id, visible_clause(viewer, blocked))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(REMIXES_SHOWN)
        ).all()

        def shown(candidate: Post | None) -> Post | None:
            visible = candidate is not None and can_see(session, viewer, candidate, blocked=blocked)
            return candidate if visible else None

        ancestors = [shown(p) for p in lineage.ancestors(session, post)]
        family = summaries(session, [shown(parent), *ancestors], self._links)
        # Ids of posts the viewer may not see stay unsaid, like the posts themselves.
        visible_parent = shown(parent)
        visible_root = post.root_post_id if ancestors and ancestors[0] is not None else None
        liked = viewer is not None and session.get(Like, (viewer.user_id, post.id)) is not None
        return PostView(
            id=post.id,
            author=user_ref(author),
            caption=post.caption,
            video_id=post.video_id,
            seconds=video.seconds,
            size=video.size,
            created_at=post.created_at,
            like_count=post.like_count,
            comment_count=post.comment_count,
            remix_count=post.remix_count,
            liked_by_me=liked,
            is_mine=viewer is not None and viewer.user_id == post.author_id,
            hidden=post.hidden,
            remix_of_post_id=visible_parent.id if visible_parent is not None else None,
            root_post_id=visible_root,
            video_url=self._links.post_video(post.id),
            thumbnail_url=self._links.post_thumbnail(post.id),
            share_url=self._links.share(post.id),
            parent=family[0] if parent is not None else None,
            remixes=summaries(session, remixes, self._links),
            lineage=family[1:],
        )

    def _draft(self, video: Video, job: Job | None) -> DraftView:
        status = _status(job)
        done = status == "completed"
        return DraftView(
            video_id=video.id,
            status=status,
            progress=100 if done else (job.progress if job is not None else 0),
            prompt=video.prompt,
            model=video.model,
            seconds=video.seconds,
            size=video.size,
            created_at=video.created_at,
            remixed_from_video_id=video.remixed_from_video_id,
            video_url=self._links.draft_video(video.id) if done else None,
            thumbnail_url=self._links.draft_thumbnail(video.id) if done else None,
        )


def _status(job: Job | None) -> Status:
    # failed, cancelled, or a job that is gone all read as "failed", as on /v1/videos
    return "failed" if job is None else _STATUS.get(job.state, "failed")


def _already_posted(video_id: str) -> ConflictError:
    return ConflictError(
        f"Video '{video_id}' is already posted; a video can be posted once.",
        param="video_id",
        code="already_posted",
    )
