"""The corpus commands: `index`, `trace` and `group` (a thin layer over storytrace.corpus).

A corpus is a directory of .txt/.md/.html files, a JSONL file of {"id", "text", "url"?, "outlet"?, "time"?}
records, or the version store (--db). Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storytrace.cli_output import json_line, print_json
from storytrace.errors import StorytraceError
from storytrace.terminal import tell, write_out

if TYPE_CHECKING:
    from storytrace.corpus.index import CorpusIndex
    from storytrace.corpus.options import CorpusOptions
    from storytrace.corpus.sources import Skipped
    from storytrace.options import DiffOptions

Corpus = Annotated[
    list[str] | None,
    typer.Option("--corpus", "-c", help="A directory of .txt/.md/.html files or a .jsonl file; repeatable."),
]
Db = Annotated[str | None, typer.Option("--db", help="Also read every version in this store (a store URL).")]
Options = Annotated[
    list[str] | None,
    typer.Option("--option", "-o", help="Set a threshold, NAME=VALUE (corpus or diff option); repeatable."),
]
MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, max=sys.maxsize - 1, help="Skip larger documents.")]
DEFAULT_INDEX = "storytrace.index"


class CorpusUsageError(StorytraceError):
    """A corpus command asked for something it cannot do."""


def _options(pairs: list[str] | None) -> tuple[CorpusOptions, DiffOptions, set[str]]:
    """Corpus options, diff options, and the names of index options given explicitly."""
    from storytrace.corpus.options import INDEX_FIELDS, CorpusOptions, parse_corpus_overrides
    from storytrace.options import DiffOptions, parse_overrides

    try:
        corpus, rest = parse_corpus_overrides(pairs or [])
        return (
            CorpusOptions().with_overrides(**corpus),
            DiffOptions().with_overrides(**parse_overrides(rest)),
            set(corpus) & set(INDEX_FIELDS),
        )
    except (ValueError, TypeError) as exc:
        raise CorpusUsageError(str(exc)) from None


def _prune(index: CorpusIndex, seen: set[str], skipped: Skipped) -> int:
    from storytrace.corpus.filling import prune_index

    pruned = prune_index(index, seen, skipped)
    if pruned is None:
        tell(f"storytrace: warning: not pruned: {skipped.unidentified:,} unreadable item(s) whose id is unknown")
        return 0
    return pruned


def _open(path: str | None, options: CorpusOptions, explicit: set[str], *, create: bool) -> CorpusIndex:
    from storytrace.corpus.index import open_index

    return open_index(path, options, create=create, explicit=explicit)


def _corpus_index(
    index_path: str | None, corpora: list[str], db: str | None, options: CorpusOptions, explicit: set[str],
    skipped: Skipped, max_bytes: int,
) -> CorpusIndex:
    """The index to query: the file named (brought up to date with any corpus given), or one built in memory."""
    if index_path is None and not corpora and db is None:
        raise CorpusUsageError("name a corpus: --corpus DIR|FILE.jsonl, --db URL or --index FILE")
    from storytrace.corpus.filling import fill_index

    with _filling(index_path, options, explicit, create=bool(corpora or db)) as index:
        fill_index(index, corpora, db, skipped, max_bytes=max_bytes)
        if len(index) == 0:
            raise CorpusUsageError("the corpus has no document with words in it")
        return index


@contextmanager
def _filling(
    path: str | None, options: CorpusOptions, explicit: set[str], *, create: bool
) -> Iterator[CorpusIndex]:
    """The index opened for filling; if filling fails it is closed, and a file this run created is deleted, so a
    failed first build leaves no empty index to trip over later. On success it stays open."""
    new = path is not None and not Path(path).exists()
    index = _open(path, options, explicit, create=create)
    try:
        yield index
    except BaseException:
        index.close()
        if new and path is not None:
            Path(path).unlink(missing_ok=True)
        raise


@contextmanager
def _readable(label: str | None) -> Iterator[None]:
    """A damaged index file often opens and fails only when a damaged page is read: one line, not a traceback."""
    import sqlite3

    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise CorpusUsageError(f"cannot read index {label or '(memory)'}: {exc}; build a new index") from None


def _warn(skipped: Skipped) -> None:
    if skipped.count:
        tell(f"storytrace: warning: {skipped.summary()}")


def register(app: typer.Typer) -> None:
    """Add the corpus commands to the `storytrace` app."""
    from storytrace.text.read import DEFAULT_MAX_BYTES

    @app.command("index")
    def index_command(
        corpora: Annotated[list[str] | None, typer.Argument(help="Directories of article files or .jsonl files.")]
        = None,
        index_path: Annotated[str, typer.Option("--index", "-i", help="The index file (created if missing).")] = (
            DEFAULT_INDEX
        ),
        db: Db = None,
        option: Options = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
        max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
        prune: Annotated[
            bool, typer.Option("--prune", help="Also drop indexed documents that the corpora named here no longer "
                                               "hold (files deleted, lines removed).")
        ] = False,
    ) -> None:
        """Build or update a persistent corpus index; documents already indexed with the same text cost nothing."""
        from storytrace.corpus.filling import fill_index
        from storytrace.corpus.sources import Skipped

        corpora = corpora or []
        if not corpora and db is None:
            raise CorpusUsageError("name what to index: directories or .jsonl files, or --db URL")
        options, _, explicit = _options(option)
        skipped = Skipped()
        started = time.perf_counter()
        with _readable(index_path):
            with _filling(index_path, options, explicit, create=True) as index:
                seen: set[str] = set()
                report = fill_index(index, corpora, db, skipped, max_bytes=max_bytes, seen=seen)
                pruned = _prune(index, seen, skipped) if prune else 0
                size = len(index)
            index.close()
        seconds = time.perf_counter() - started
        _warn(skipped)  # (first: a reader of the report that stops reading ends the command)
        if as_json:
            document: dict[str, Any] = {
                "index": index_path, "documents": size, **report.to_dict(), "pruned": pruned, "skipped": skipped.count,
                "skipped_reasons": skipped.reasons, "seconds": round(seconds, 3),
            }
            print_json(document)
        else:
            write_out(
                f"{index_path}: {size:,} documents; {report.added:,} added, {report.replaced:,} replaced, "
                f"{report.unchanged:,} unchanged, {report.empty:,} without words, {skipped.count:,} skipped"
                + (f", {pruned:,} pruned" if prune else "") + f" ({seconds:.1f} s)\n"
            )

    @app.command("trace")
    def trace_command(
        doc: Annotated[str, typer.Argument(help="The text to trace: a .txt, .md or .html file, or - for stdin.")],
        corpus: Corpus = None,
        db: Db = None,
        index_path: Annotated[
            str | None, typer.Option("--index", "-i", help="An index file (updated first with any --corpus).")
        ] = None,
        exclude: Annotated[
            list[str] | None, typer.Option("--exclude", help="A document id not to count as a source; repeatable.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the storytrace.trace/1 JSON document.")] = False,
        summary_only: Annotated[bool, typer.Option("--summary", help="Print only the one-line summary.")] = False,
        option: Options = None,
        max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    ) -> None:
        """Find where a text came from: its sources ranked; each sentence copied, edited, paraphrased or unsupported."""
        from storytrace.corpus.sources import Skipped
        from storytrace.corpus.trace import trace
        from storytrace.report import trace_terminal
        from storytrace.terminal import Terminal
        from storytrace.text.read import read_source

        source = read_source(doc, max_bytes=max_bytes)  # a bad DOC is refused before any corpus is read
        options, diff_options, explicit = _options(option)
        skipped = Skipped()
        with _readable(index_path):
            index = _corpus_index(index_path, corpus or [], db, options, explicit, skipped, max_bytes)
            with index:
                result = trace(source.text, index, label=source.label, options=index.options,
                               diff_options=diff_options, exclude=set(exclude or []))
        document = result.to_dict()
        _warn(skipped)
        if as_json:
            print_json(document)
            return
        console = Terminal()
        if summary_only:
            console.print(trace_terminal.summary_line(document), markup=False, highlight=False, soft_wrap=True)
            return
        trace_terminal.render(document, console)

    @app.command("group")
    def group_command(
        corpus: Corpus = None,
        db: Db = None,
        index_path: Annotated[
            str | None, typer.Option("--index", "-i", help="An index file (updated first with any --corpus).")
        ] = None,
        fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv.")] = "jsonl",
        output: Annotated[Path | None, typer.Option("--output", help="Write to a file instead of stdout.")] = None,
        option: Options = None,
        max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    ) -> None:
        """Cluster a corpus into stories: a story id for every document (ids do not depend on input order)."""
        from storytrace.corpus.group import group
        from storytrace.corpus.sources import Skipped

        if fmt not in ("jsonl", "csv"):
            raise CorpusUsageError(f"unknown format {fmt!r}: use jsonl or csv")
        options, _, explicit = _options(option)
        skipped = Skipped()
        with _readable(index_path):
            index = _corpus_index(index_path, corpus or [], db, options, explicit, skipped, max_bytes)
            with index:
                members = group(index, options.with_overrides(**index.options.index_settings()))
        _warn(skipped)
        to_stdout = output is None
        text = _csv(members) if fmt == "csv" else "".join(json_line(m.to_dict(), to_stdout=to_stdout) for m in members)
        if output is None:
            write_out(text)
        else:
            from storytrace.cli import _write

            _write(output, text)


def _csv(members: list[Any]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "story", "size"])
    writer.writerows([m.id, m.story, m.size] for m in members)
    return buffer.getvalue()
