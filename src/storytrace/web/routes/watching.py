"""Stopping and resuming from the web app, as `storytrace stop URL` and `storytrace add URL` do from the command
line: the Stop and Resume buttons of the Feeds page and of a story's page. They are writes (the admin token and the
CSRF token, as adding); nothing stored is removed. Stopping what is stopped already, or resuming what is watched,
changes nothing and answers with its state (`changed` false), so a button pressed twice is not an error."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from storytrace.store import STOPPED_ON_THE_WEB, Store, find_source, resume_source, revive, stop_source, stop_story
from storytrace.web.queries import FeedRow, StoryRow, feed_row, story_row
from storytrace.web.render import json_response, wants_json
from storytrace.web.routes._common import admin_form, story_links, web
from storytrace.web.routes.feeds import feed_json
from storytrace.web.routes.stories import story_json

router = APIRouter(tags=["watching"])
FEED_SCHEMAS = {True: "storytrace.web.feed-stopped/1", False: "storytrace.web.feed-resumed/1"}
STORY_SCHEMAS = {True: "storytrace.web.story-stopped/1", False: "storytrace.web.story-resumed/1"}
# A story whose address the watcher found a feed at (or that was added as a feed too) is followed as that feed.
IS_A_FEED = ("That address is tracked as a feed: its articles are tracked as stories (resume the feed on the Feeds "
             "page).")

FeedId = Annotated[int, Path(description="the feed's id, as /feeds.json gives it")]
StoryId = Annotated[int, Path(description="the story's id")]


@router.post("/feeds/{feed_id:id}/stop.json", summary="Stop reading a feed (admin token and CSRF token): "
             "storytrace.web.feed-stopped/1")
@router.post("/feeds/{feed_id:id}/stop", summary="Stop reading a feed: form fields token, csrf", status_code=303)
async def stop_feed(request: Request, feed_id: FeedId) -> Response:
    return await _feed_answer(request, feed_id, stop=True)


@router.post("/feeds/{feed_id:id}/resume.json", summary="Read a stopped feed again (admin token and CSRF token): "
             "storytrace.web.feed-resumed/1")
@router.post("/feeds/{feed_id:id}/resume", summary="Read a stopped feed again: form fields token, csrf",
             status_code=303)
async def resume_feed(request: Request, feed_id: FeedId) -> Response:
    return await _feed_answer(request, feed_id, stop=False)


@router.post("/stories/{story_id:id}/stop.json", summary="Stop watching a story (admin token and CSRF token): "
             "storytrace.web.story-stopped/1")
@router.post("/stories/{story_id:id}/stop", summary="Stop watching a story: form fields token, csrf", status_code=303)
async def stop_watching(request: Request, story_id: StoryId) -> Response:
    return await _story_answer(request, story_id, stop=True)


@router.post("/stories/{story_id:id}/resume.json", summary="Watch a stopped story again (admin token and CSRF "
             "token): storytrace.web.story-resumed/1")
@router.post("/stories/{story_id:id}/resume", summary="Watch a stopped story again: form fields token, csrf",
             status_code=303)
async def resume_watching(request: Request, story_id: StoryId) -> Response:
    return await _story_answer(request, story_id, stop=False)


async def _feed_answer(request: Request, feed_id: int, *, stop: bool) -> Response:
    """The admin checks first (an id is looked up for an admin only), then the change; the form goes back to the
    Feeds page, where the button was."""
    state = web(request)
    await admin_form(request)
    changed, feed = await run_in_threadpool(_switch_feed, state.store, feed_id, stop)
    if wants_json(request):
        return json_response({"schema": FEED_SCHEMAS[stop], "changed": changed, "feed": feed_json(feed)})
    return RedirectResponse("/feeds", status_code=303)


async def _story_answer(request: Request, story_id: int, *, stop: bool) -> Response:
    state = web(request)
    await admin_form(request)
    changed, story = await run_in_threadpool(_switch_story, state.store, story_id, stop)
    if changed:
        state.lists.clear()  # the stories list says whether each is watched; its data version does not see this
    if wants_json(request):
        return json_response({"schema": STORY_SCHEMAS[stop], "changed": changed, "story": story_json(story)})
    return RedirectResponse(story_links(story_id)["html"], status_code=303)


def _switch_feed(store: Store, feed_id: int, stop: bool) -> tuple[bool, FeedRow]:
    """Stop or resume reading the feed; whether that changed anything, and the feed as it is now."""
    found = _feed(store, feed_id)
    if stop:
        changed = stop_source(store, feed_id)
    else:
        changed = not found.active
        if changed:
            resume_source(store, feed_id)
    return changed, _feed(store, feed_id)


def _switch_story(store: Store, story_id: int, stop: bool) -> tuple[bool, StoryRow]:
    """Stop or resume watching the story; whether that changed anything, and the story as it is now. Resuming
    watches it as `storytrace add URL` does (failures forgotten, checked at once); a story whose address is tracked
    as a feed is refused (409), as adding it would be."""
    found = _story(store, story_id)
    if stop:
        changed = stop_story(store, story_id, reason=STOPPED_ON_THE_WEB)
    elif found.active:
        changed = False
    elif find_source(store, found.url) is not None:
        raise HTTPException(409, IS_A_FEED)
    else:
        revive(store, story_id)
        changed = True
    return changed, _story(store, story_id)


def _feed(store: Store, feed_id: int) -> FeedRow:
    found = feed_row(store, feed_id)
    if found is None:
        raise HTTPException(404, f"No feed with id {feed_id}.")
    return found


def _story(store: Store, story_id: int) -> StoryRow:
    found = story_row(store, story_id)
    if found is None:
        raise HTTPException(404, f"No story with id {story_id}.")
    return found
