"""Tracking articles over time: configuration, checking stories and feeds, the watcher, the feed of changes.

This is the I/O shell around the store (`storytrace.store`) and the network side (`storytrace.fetch`): a check
fetches a page, judges whether it is a real new version, stores it or records why not, and schedules the next.
"""
