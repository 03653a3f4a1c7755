"""The network side of watching articles: fetching politely, reading feeds, judging pages, scheduling checks.

Nothing here touches a database. `http` fetches (robots.txt, conditional GET, retries, limits) and never
raises for a network problem; `feeds` tells feeds from pages and lists a feed's articles; `page` turns an
HTML page into article text and decides whether it is a real new version; `schedule` says when to look again.
"""

from storytrace.fetch.feeds import Feed, FeedEntry, FeedResult, find_feed_links, newest_entries, parse_feed, sniff
from storytrace.fetch.http import USER_AGENT, Fetcher, FetchOptions, FetchResult, fetch_once
from storytrace.fetch.page import Extracted, PageOptions, Verdict, assess, extract_page, judge
from storytrace.fetch.schedule import ScheduleOptions, WatchState, after_check, is_due, start_watch

__all__ = [
    "USER_AGENT",
    "Extracted",
    "Feed",
    "FeedEntry",
    "FeedResult",
    "FetchOptions",
    "FetchResult",
    "Fetcher",
    "PageOptions",
    "ScheduleOptions",
    "Verdict",
    "WatchState",
    "after_check",
    "assess",
    "extract_page",
    "fetch_once",
    "find_feed_links",
    "is_due",
    "judge",
    "newest_entries",
    "parse_feed",
    "sniff",
    "start_watch",
]
