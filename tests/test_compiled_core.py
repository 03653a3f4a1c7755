"""The compiled core (mypyc) is used only while it matches its source; pure Python and compiled agree."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import storytrace
from storytrace import _compiled
from storytrace._compiled import C_HEADERS, C_MODULES, DIGEST_FILE, MODULES, TYPES_FROM, core_state, source_digest

from .conftest import FOUNDING

SRC = Path(storytrace.__file__).resolve().parents[1]
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
PROBE = (
    "import inspect, json, sys, storytrace; d = sys.modules['storytrace.diff']; "
    "r = storytrace.diff(open(sys.argv[1]).read(), open(sys.argv[2]).read()).to_dict(); "
    "print(json.dumps({'core': storytrace.CORE, 'python': inspect.isfunction(d.diff), 'result': r}))"
)


def fake_package(tmp_path: Path, built: tuple[str, ...] = MODULES) -> Path:
    """A package directory with the compiled modules' sources and empty stand-ins for their extensions."""
    package = tmp_path / "pkg"
    sources = [f"{name}.py" for name in (*MODULES, *TYPES_FROM)] + [f"{name}.c" for name in C_MODULES]
    for source in [*sources, *C_HEADERS]:
        target = package / source
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(_compiled.__file__).parent / source, target)
    for name in built:
        (package / f"{name}{SUFFIX}").write_bytes(b"")
    if built:
        (tmp_path / f"0123abcd__mypyc{SUFFIX}").write_bytes(b"")  # the library of all the compiled code
    return package


def test_state_follows_the_recorded_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYTRACE_PURE", raising=False)
    package = fake_package(tmp_path)
    assert core_state(package) == "stale"  # built, but no digest recorded
    (package / DIGEST_FILE).write_text(source_digest(package) + "\n")
    assert core_state(package) == "compiled"
    monkeypatch.setenv("STORYTRACE_PURE", "1")
    assert core_state(package) == "disabled"
    monkeypatch.setenv("STORYTRACE_PURE", "0")
    assert core_state(package) == "compiled"
    with (package / "align/pairwise.py").open("a") as source:
        source.write("\n# edited after the build\n")
    assert core_state(package) == "stale"
    (package / DIGEST_FILE).write_text(source_digest(package) + "\n")
    assert core_state(package) == "compiled"
    with (package / "options.py").open("a") as source:  # not compiled, but its types are compiled in
        source.write("\n# edited after the build\n")
    assert core_state(package) == "stale"
    (package / DIGEST_FILE).write_text(source_digest(package) + "\n")
    with (package / f"{C_MODULES[0]}.c").open("a") as source:  # a C helper edited after the build
        source.write("\n/* edited */\n")
    assert core_state(package) == "stale"
    (package / DIGEST_FILE).write_text(source_digest(package) + "\n")
    with (package / C_HEADERS[0]).open("a") as source:  # a header the C helpers include
        source.write("\n/* edited */\n")
    assert core_state(package) == "stale"
    (package / DIGEST_FILE).write_text(source_digest(package) + "\n")
    next(tmp_path.glob("*__mypyc*")).unlink()
    assert core_state(package) == "stale"


def test_state_without_extensions_or_with_some_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYTRACE_PURE", raising=False)
    assert core_state(fake_package(tmp_path / "none", built=())) == "python"
    partial = fake_package(tmp_path / "some", built=MODULES[:3])
    (partial / DIGEST_FILE).write_text(source_digest(partial))
    assert core_state(partial) == "stale"


def test_version_names_the_core() -> None:
    command = str(Path(sys.executable).with_name("storytrace"))
    done = subprocess.run([command, "--version"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"storytrace {storytrace.__version__} (alignment core: ")
    assert _compiled.describe(storytrace.CORE) in done.stdout


@pytest.mark.skipif(not os.environ.get("CI"), reason="CI builds the compiled core with `make test`")
def test_ci_runs_the_compiled_core() -> None:
    assert storytrace.CORE == "compiled"


def run_probe(src: Path, a: Path, b: Path, pure: bool) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src), "STORYTRACE_PURE": "1" if pure else ""}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(a), str(b)], capture_output=True, text=True, env=env, cwd=src.parent
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


@pytest.mark.skipif(storytrace.CORE != "compiled", reason="the compiled core is not built here")
def test_compiled_and_pure_agree_and_an_edit_falls_back_to_source(tmp_path: Path) -> None:
    a, b = FOUNDING / "000_746a0b6b5f57bd09.txt", FOUNDING / "001_65a8ca1c07652b7d.txt"
    compiled = run_probe(SRC, a, b, pure=False)
    pure = run_probe(SRC, a, b, pure=True)
    assert (compiled["core"], compiled["python"]) == ("compiled", False)
    assert (pure["core"], pure["python"]) == ("disabled", True)
    assert compiled["result"] == pure["result"]
    # A copy of the package whose source is edited after the build runs the edited source, not the stale build.
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    pairwise = copy / "storytrace" / "align" / "pairwise.py"
    pairwise.write_text(pairwise.read_text() + "\n# edited after the build\n")
    edited = run_probe(copy, a, b, pure=False)
    assert (edited["core"], edited["python"]) == ("stale", True)
    assert edited["result"] == pure["result"]


def test_results_pickle_and_unpickle_whole() -> None:
    # Dask and multiprocessing move results between processes by pickling them; compiled classes must survive it.
    import pickle

    from storytrace.align.features import SentenceFeatures
    from storytrace.align.pairwise import Pairing
    from storytrace.classify import classify
    from storytrace.options import DiffOptions

    a = (FOUNDING / "000_746a0b6b5f57bd09.txt").read_text(encoding="utf-8")
    b = (FOUNDING / "001_65a8ca1c07652b7d.txt").read_text(encoding="utf-8")
    result = storytrace.diff(a, b)
    again = pickle.loads(pickle.dumps(result))
    assert again.to_dict() == result.to_dict() and again.links[0] == result.links[0]
    prepared = storytrace.prepare(a, "first")
    restored = pickle.loads(pickle.dumps(prepared))
    assert restored.document == prepared.document and restored.table.keys == prepared.table.keys
    assert storytrace.diff(restored, b).to_dict() == storytrace.diff(prepared, b).to_dict()
    for value in (SentenceFeatures("k", ("k",), frozenset({"k"})), Pairing((1,), (2, 3), 0.5, True),
                  classify("It was 12.", "It was 15.", DiffOptions())):
        assert pickle.loads(pickle.dumps(value)) == value
