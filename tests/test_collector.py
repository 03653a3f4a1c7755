"""The garbage collector's settings for storytrace's own processes (`storytrace.collector`), each case in a fresh
interpreter so that the test process's collector is left as it is."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, weakref
from storytrace.collector import space_out_collections

class Node:
    pass

def garbage_cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)

gc.disable()  # so that nothing collects the cycle but the call below
gone = garbage_cycle()
gc.enable()
space_out_collections(collect_first={collect_first})
print(gc.get_threshold()[0], gc.get_freeze_count() > 1000, gone() is None)
"""


def probe(collect_first: bool) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(collect_first=collect_first)], capture_output=True,
                          text=True, check=True)
    return done.stdout.split()


def test_a_command_freezes_its_imports_and_collects_after_10_000_new_objects() -> None:
    threshold, frozen, _ = probe(collect_first=False)  # (whether import garbage was frozen too is not promised)
    assert threshold == "10000"
    assert frozen == "True"


def test_a_worker_collects_before_it_freezes() -> None:
    threshold, frozen, cycle_collected = probe(collect_first=True)
    assert (threshold, frozen, cycle_collected) == ("10000", "True", "True")


def test_the_command_line_runs_with_the_collector_spaced_out() -> None:
    """`storytrace` itself (its entry point, not just the function) sets the collector before running a command."""
    code = (
        "import gc, sys; from storytrace import cli; sys.argv = ['storytrace', '--help']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(gc.get_threshold()[0], gc.get_freeze_count() > 1000)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == ["10000", "True"]
