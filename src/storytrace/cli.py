"""The `storytrace` command: a thin layer that parses arguments and calls the library.

Errors the user can fix (a missing file, a binary file, a bad option) print one line and exit with status 2;
nothing prints a traceback unless STORYTRACE_DEBUG is set.
"""

from __future__ import annotations

import os
import sys
from dataclasses import fields
from pathlib import Path
from typing import Annotated

import typer

from storytrace.cli_batch import register as register_batch
from storytrace.cli_corpus import register as register_corpus
from storytrace.cli_output import print_json, tolerate_narrow_output
from storytrace.cli_tracking import register as register_tracking
from storytrace.collate import collate as run_collate
from storytrace.collation.manifest import read_manifest
from storytrace.collation.versions import Version, parse_time
from storytrace.collector import space_out_collections
from storytrace.diff import diff as run_diff
from storytrace.errors import InputError, StorytraceError
from storytrace.options import DiffOptions, parse_overrides
from storytrace.report import collation_html, collation_terminal, terminal
from storytrace.report import html as html_report
from storytrace.terminal import Terminal, guard_standard_streams, tell, write_out
from storytrace.text.read import read_source

app = typer.Typer(
    help="See how a news story changes across its versions and its copies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

USAGE_ERROR = 2


class UsageError(StorytraceError):
    """A command-line value the user must correct."""


# Options shared by the commands that compare versions.
MaxBytes = Annotated[int, typer.Option("--max-bytes", help="Refuse larger inputs.")]
Thresholds = Annotated[
    list[str] | None,
    typer.Option("--option", "-o", help="Set a threshold, NAME=VALUE (see `storytrace options`); repeatable."),
]
HtmlFile = Annotated[Path | None, typer.Option("--html", help="Also write a self-contained HTML report.")]
SummaryOnly = Annotated[bool, typer.Option("--summary", help="Print only the one-line summary.")]
StoreUrl = Annotated[
    str | None, typer.Option("--db", help="Store for URL@N versions (default: $STORYTRACE_DB or ./storytrace.db).")
]


def _read_versions(names: list[str], max_bytes: int, db: str | None) -> list[tuple[str, str]]:
    """(label, text) of each file, "-" or stored version URL@N; the store is opened only if one is named."""
    from storytrace.track.urls import is_version_ref, names_a_story

    for name in names:
        if names_a_story(name) and not is_version_ref(name) and not Path(name).exists():
            raise InputError(f"{name}: name a stored version, as {name}@N, {name}@first or {name}@latest")
    if not any(is_version_ref(name) for name in names):
        return [_file_version(name, max_bytes) for name in names]
    from storytrace.store import open_store
    from storytrace.track.refs import stored_version

    with open_store(db, create=False) as store:
        return [stored_version(store, n) if is_version_ref(n) else _file_version(n, max_bytes) for n in names]


def _file_version(name: str, max_bytes: int) -> tuple[str, str]:
    source = read_source(name, max_bytes=max_bytes)
    return source.label, source.text


def _options(max_bytes: int, option: list[str] | None) -> DiffOptions:
    """The options a command line asks for, or a UsageError saying what is wrong."""
    if not 0 < max_bytes < sys.maxsize:  # (a file is read in one call, which takes at most sys.maxsize bytes)
        raise UsageError(f"--max-bytes must be a positive number of bytes, below {sys.maxsize:,}")
    try:
        overrides = parse_overrides(option or [])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return DiffOptions(max_bytes=max_bytes).with_overrides(**overrides)


def _show_version(wanted: bool) -> None:
    if wanted:
        from storytrace import CORE, __version__
        from storytrace._compiled import describe

        write_out(f"storytrace {__version__} (alignment core: {describe(CORE)})\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and whether the "
                     "alignment core is compiled, then exit."),
    ] = False,
) -> None:
    """storytrace: sentence-level diffs of news stories."""


@app.command("diff")
def diff_command(
    a: Annotated[str, typer.Argument(help="First version: a .txt, .md or .html file, - for standard input, or a "
                                          "stored version URL@N (also URL@first, URL@latest).")],
    b: Annotated[str, typer.Argument(help="Second version, likewise.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the storytrace.diff/1 JSON document.")] = False,
    html: HtmlFile = None,
    side_by_side: Annotated[bool, typer.Option("--side-by-side", "-s", help="Two columns instead of inline.")] = False,
    only_changes: Annotated[bool, typer.Option("--changes", "-c", help="Hide unchanged sentences.")] = False,
    summary_only: SummaryOnly = False,
    max_bytes: MaxBytes = DiffOptions.max_bytes,
    option: Thresholds = None,
    db: StoreUrl = None,
) -> None:
    """Align two versions sentence by sentence and classify every change."""
    if a == "-" and b == "-":
        raise UsageError("only one of the two versions can be read from standard input")
    options = _options(max_bytes, option)
    (label_a, text_a), (label_b, text_b) = _read_versions([a, b], options.max_bytes, db)
    result = run_diff(text_a, text_b, label_a=label_a, label_b=label_b, options=options)
    document = result.to_dict()
    if html is not None:
        _write(html, html_report.render(document))
    if as_json:
        print_json(document)
        return
    console = Terminal()
    if summary_only:
        console.print(terminal.summary_line(document), markup=False, highlight=False, soft_wrap=True)
        return
    terminal.render(document, console, view="side-by-side" if side_by_side else "inline", only_changes=only_changes)
    if html is not None:
        console.print(f"HTML report written to {html}", markup=False, highlight=False)


@app.command("collate")
def collate_command(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Versions: .txt, .md or .html files (or - for one of them from standard input)."),
    ] = None,
    manifest: Annotated[
        str | None,
        typer.Option("--manifest", "-m", help='JSON or JSONL: {"label","outlet","time","path"|"text"} per version.'),
    ] = None,
    label: Annotated[list[str] | None, typer.Option("--label", help="A label per file, in order.")] = None,
    outlet: Annotated[list[str] | None, typer.Option("--outlet", help="An outlet per file, in order.")] = None,
    time: Annotated[list[str] | None, typer.Option("--time", help="An ISO 8601 time per file, in order.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the storytrace.collation/1 JSON document.")] = False,
    html: HtmlFile = None,
    only_changes: Annotated[
        bool, typer.Option("--changes", "-c", help="Show only statements that are not the same everywhere.")
    ] = False,
    summary_only: SummaryOnly = False,
    max_bytes: MaxBytes = DiffOptions.max_bytes,
    option: Thresholds = None,
    db: StoreUrl = None,
) -> None:
    """Follow every statement across many versions: where it first appeared, how it changed, who alone says it."""
    files = files or []
    if files.count("-") > 1:
        raise UsageError("only one version can be read from standard input")
    options = _options(max_bytes, option)
    from storytrace.track.urls import names_a_story

    stored = [name for name in files if names_a_story(name)]
    files = [name for name in files if name not in stored]
    versions = _versions_from_files(files, label or [], outlet or [], time or [], options.max_bytes)
    if stored:
        versions += _stored_story_versions(stored, db)
    if manifest is not None:
        versions += read_manifest(manifest, options.max_bytes)
    if len(versions) < 2:
        found = f"; found {len(versions)}" if versions else ""
        raise UsageError(f"collate needs at least two versions (files, stored stories, or a --manifest){found}")
    document = run_collate(versions, options=options).to_dict()
    if html is not None:
        _write(html, collation_html.render(document))
    if as_json:
        print_json(document)
        return
    console = Terminal()
    if summary_only:
        console.print(collation_terminal.summary_line(document), markup=False, highlight=False, soft_wrap=True)
        return
    collation_terminal.render(document, console, only_changes=only_changes)
    if html is not None:
        console.print(f"HTML report written to {html}", markup=False, highlight=False)


def _versions_from_files(
    files: list[str], labels: list[str], outlets: list[str], times: list[str], max_bytes: int
) -> list[Version]:
    """Read each file; --label, --outlet and --time, when given, name each file in order."""
    for name, values in (("--label", labels), ("--outlet", outlets), ("--time", times)):
        if values and len(values) != len(files):
            raise UsageError(f"{name} was given {len(values)} time(s) for {len(files)} file(s): give it once per file")
    versions = []
    for n, path in enumerate(files):
        source = read_source(path, max_bytes=max_bytes)
        when = times[n] if times else None
        if when:
            parse_time(when, path)
        versions.append(
            Version(source.text, labels[n] if labels else source.label, (outlets[n] or None) if outlets else None, when)
        )
    return versions


def _stored_story_versions(urls: list[str], db: str | None) -> list[Version]:
    from storytrace.store import open_store
    from storytrace.track.refs import stored_story_versions

    with open_store(db, create=False) as store:
        return stored_story_versions(store, urls)


@app.command("import")
def import_command(
    path: Annotated[
        str,
        typer.Argument(help="An archive: a directory of version files, a .jsonl file, or a NewsEdits or diffengine "
                            "SQLite database."),
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", help="dir, jsonl, newsedits or diffengine (default: detected).")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Store URL (default: $STORYTRACE_DB, else sqlite:///storytrace.db).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")] = False,
    summaries: Annotated[
        bool, typer.Option("--summaries/--no-summaries", help="Compute each new version's change summary.")
    ] = True,
    watch: Annotated[
        bool, typer.Option("--watch", help="Make new stories due for checking (by default they are not watched).")
    ] = False,
) -> None:
    """Import an archive of article versions into the store; importing it again adds nothing."""
    from storytrace.ingest import detect_format, import_archive
    from storytrace.store import open_store

    detect_format(Path(path), fmt)  # a missing path or an unknown format is refused before the store is opened
    with open_store(db) as store:
        report = import_archive(store, path, format=fmt, summaries=summaries, watch=watch)
    if as_json:
        print_json(report.to_dict())
    else:
        write_out(report.summary_line() + "\n")


@app.command("serve")
def serve_command(
    db: Annotated[
        str | None, typer.Option("--db", help="Store URL (default: $STORYTRACE_DB, else sqlite:///storytrace.db).")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web app: stories, timelines, diffs, collations, compare, Atom feed (writes: STORYTRACE_TOKEN)."""
    from storytrace.web.serve import run

    run(db, host=host, port=port)


@app.command("options")
def options_command() -> None:
    """List the thresholds that --option can set, with their defaults."""
    from storytrace.corpus.options import CorpusOptions

    # Every "unknown option" error points here, trace's and group's too: so both kinds are listed.
    write_out("# diff options (the aligner): diff, collate, trace, batch\n")
    for f in fields(DiffOptions):
        write_out(f"{f.name} = {getattr(DiffOptions(), f.name)!r}\n")
    write_out("\n# corpus options: index, trace, group (docs/corpus.md)\n")
    for f in fields(CorpusOptions):
        write_out(f"{f.name} = {getattr(CorpusOptions(), f.name)!r}\n")


def _write(path: Path, content: str) -> None:
    """Write a report whole or not at all: a temporary file renamed into place."""
    if path.is_dir() or not path.name:  # ("." and ".." have no name to put a temporary file beside)
        raise UsageError(f"cannot write {path}: it is a directory")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:  # (a bug, or an interrupt: no half-written temporary file is left behind either way)
        temporary.unlink(missing_ok=True)
        raise


register_tracking(app)
register_batch(app)
register_corpus(app)


def main() -> None:
    """Entry point: run the app, turning known errors into one line and status 2."""
    guard_standard_streams()
    space_out_collections()
    tolerate_narrow_output()
    try:
        status = app(standalone_mode=False)  # (the parser's own errors come here instead of being drawn in a box)
    except typer.TyperException as exc:  # an unknown option or command, a missing argument, a value of the wrong type
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else "storytrace"
        format_message = getattr(exc, "format_message", None)
        message = " ".join((format_message() if callable(format_message) else str(exc)).split())
        tell(f"storytrace: error: {message} ({where} --help)")
        sys.exit(USAGE_ERROR)
    except StorytraceError as exc:
        tell(f"storytrace: error: {exc}")
        sys.exit(USAGE_ERROR)
    except (KeyboardInterrupt, typer.Abort):
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("STORYTRACE_DEBUG"):
            raise
        tell(f"storytrace: internal error: {type(exc).__name__}: {exc} (STORYTRACE_DEBUG=1 shows more)")
        sys.exit(1)
    if isinstance(status, int) and status:  # typer.Exit(code) from a command, returned rather than raised
        sys.exit(status)
