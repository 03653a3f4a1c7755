"""Failing a C helper's allocations one at a time (CPython's _testcapi.set_nomemory), for the tests that hold the
helpers to raising MemoryError cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest


def failed_allocations(call: Callable[[], object], attempts: int) -> int:
    """Calls `call` with its n-th allocation failed, for n below `attempts`: each call must raise MemoryError or give
    what it gives with memory to spare (never a wrong result, nor a SystemError for a NULL returned without an
    exception). Returns how many raised MemoryError. Skips the test where Python cannot fail allocations."""
    testcapi = pytest.importorskip("_testcapi")
    if not hasattr(testcapi, "set_nomemory"):
        pytest.skip("this Python cannot fail allocations on purpose")
    expected, failures = call(), 0
    for start in range(attempts):
        testcapi.set_nomemory(start, start + 1)
        try:
            made = call()
        except MemoryError:
            failures += 1
            continue
        finally:
            testcapi.remove_mem_hooks()
        assert made == expected
    return failures
