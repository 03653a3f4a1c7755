"""The optional webhook: a JSON POST when a new version is stored (by default, only a substantive change).

A webhook that fails is logged and not retried beyond the fetcher's usual retries: the version is stored
whatever happens to the notice, and `storytrace feed` lists every change anyway.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from storytrace.track.checks import CheckReport, Tracker

log = logging.getLogger("storytrace.watch")
SCHEMA = "storytrace.change/1"


def wanted(report: CheckReport, on: str) -> bool:
    """Does this check deserve a notice under the `webhook_on` setting?"""
    if not report.changed:
        return False
    if on == "any":
        return True
    return bool(report.summary and report.summary.get("substantive", 0) > 0)


def payload(report: CheckReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "url": report.url,
        "version": report.version,
        "title": report.title,
        "summary": report.summary,
        "detail": report.detail,
    }


async def notify(tracker: Tracker, report: CheckReport) -> bool:
    """POST the notice; True if the receiver accepted it (2xx)."""
    options = tracker.config.watch
    if not options.webhook or not wanted(report, options.webhook_on):
        return False
    timeout = aiohttp.ClientTimeout(total=tracker.config.fetch.total_timeout)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session, session.post(
            options.webhook, json=payload(report), headers={"User-Agent": tracker.config.fetch.user_agent}
        ) as answer:
            if 200 <= answer.status < 300:
                return True
            log.warning("webhook %s answered %d for %s", options.webhook, answer.status, report.url)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("webhook %s failed for %s: %s", options.webhook, report.url, exc or type(exc).__name__)
    return False
