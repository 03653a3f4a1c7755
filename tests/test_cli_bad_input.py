"""End-to-end tests of bad input that once ended in a traceback, a wrong exit status or a misleading message: the
installed command, real files, a real store and a real HTTP server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.store import open_store

from .cli_support import one_error_line
from .test_cli import run

ARTICLE = "The mayor said on Monday that the bridge would close. Ten people were hurt. Police are investigating.\n"


def _article(tmp_path: Path, name: str = "a.txt", text: str = ARTICLE) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("entry", [{"path": None}, {"text": None}, {"path": None, "text": None}])
def test_collate_manifest_null_path_or_text_is_refused(tmp_path: Path, entry: dict[str, None]) -> None:
    manifest = tmp_path / "story.json"
    manifest.write_text(json.dumps([{"path": str(_article(tmp_path))}, entry]), encoding="utf-8")
    line = one_error_line(run("collate", "-m", str(manifest), "--summary"))
    assert 'version 2 needs exactly one of "path" and "text"' in line


def test_collate_manifest_from_an_endless_device_is_refused(tmp_path: Path) -> None:
    line = one_error_line(run("collate", "-m", "/dev/zero", "--summary"))
    assert "/dev/zero" in line and "limit" in line


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('[schedule]\nfirst_interval = 1e20', "first_interval"),
        ('[schedule]\nmax_interval = "99999999999999d"', "max_interval"),
        ("[schedule]\nfactor = nan", "factor"),
        ("[fetch]\npoliteness_delay = inf", "politeness_delay"),
        ("[fetch]\nbackoff = nan", "backoff"),
        ("[fetch]\nuser_agent = 5", "user_agent"),
    ],
)
def test_config_values_that_cannot_work_are_refused(tmp_path: Path, setting: str, said: str) -> None:
    config = tmp_path / "storytrace.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    open_store(f"sqlite:///{tmp_path / 'store.db'}").close()
    line = one_error_line(run("log", "https://example.org/a", "--config", str(config), "--db",
                              f"sqlite:///{tmp_path / 'store.db'}"))
    assert said in line


def test_read_commands_open_an_existing_postgresql_store(store_url: str, tmp_path: Path) -> None:
    open_store(store_url).close()
    done = run("feed", "--db", store_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    line = one_error_line(run("log", "https://example.org/a", "--db", store_url, cwd=tmp_path))
    assert "no story is tracked" in line
