"""The `storytrace batch` command: a thin layer over storytrace.corpus.batch (Dask and pyarrow are imported only
when it runs, so the other commands stay quick)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from storytrace.cli_output import print_json
from storytrace.errors import StorytraceError
from storytrace.terminal import write_out

if TYPE_CHECKING:
    from rich.progress import TaskID

    from storytrace.track.config import BatchSettings


class BatchUsageError(StorytraceError):
    """A batch command-line value the user must correct."""


def register(app: typer.Typer) -> None:
    """Add `storytrace batch` to the `storytrace` app."""

    @app.command("batch")
    def batch_command(
        path: Annotated[
            str,
            typer.Argument(help="A corpus: a .jsonl file, a Parquet file or directory, or a NewsEdits or diffengine "
                                "SQLite database."),
        ],
        out: Annotated[Path, typer.Option("--out", help="Output directory (edits/, stories/, _manifest.json).")],
        fmt: Annotated[
            str | None, typer.Option("--format", help="jsonl, parquet, newsedits or diffengine (default: detected).")
        ] = None,
        workers: Annotated[
            int | None, typer.Option("--workers", help="Local worker processes (default: the CPU count).")
        ] = None,
        scheduler: Annotated[
            str | None, typer.Option("--scheduler", help="Use an existing Dask cluster: tcp://HOST:8786.")
        ] = None,
        memory_limit: Annotated[
            str | None,
            typer.Option("--memory-limit", help="Memory per local worker: 4GB, 512MiB, a fraction of the machine's "
                                                "memory (0.5), auto (the default: shared equally) or none."),
        ] = None,
        config: Annotated[
            Path | None,
            typer.Option("--config", help="Configuration file for [batch] memory_limit (default: ./storytrace.toml "
                                          "if present)."),
        ] = None,
        partitions: Annotated[
            int | None, typer.Option("--partitions", help="Partitions (default: from the input size, or the "
                                                          "earlier run's).")
        ] = None,
        story_key: Annotated[
            str | None,
            typer.Option("--story-key", help="JSONL field or Parquet column naming the story (default: the first "
                                             "of url, story, id)."),
        ] = None,
        option: Annotated[
            list[str] | None,
            typer.Option("--option", "-o", help="Set a threshold, NAME=VALUE (see `storytrace options`)."),
        ] = None,
        connect_timeout: Annotated[
            float, typer.Option("--connect-timeout", help="Seconds to wait for --scheduler to answer.")
        ] = 5.0,
        as_json: Annotated[bool, typer.Option("--json", help="Print the run's report as JSON.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    ) -> None:
        """Align every version pair of a whole corpus on Dask; write edit records and story summaries as Parquet.

        Finished partitions are skipped when the same command is run again (after a crash or an interruption).
        """
        import math

        from storytrace.corpus.batch import BatchOptions, dask_client, run_batch
        from storytrace.corpus.batch.options import MAX_LOCAL_WORKERS, MAX_PARTITIONS, parse_memory_limit
        from storytrace.options import DiffOptions, parse_overrides

        for name, value in (("--workers", workers), ("--memory-limit", memory_limit)):
            if scheduler is not None and value is not None:
                raise BatchUsageError(f"{name} is for a local cluster; with --scheduler the cluster has its own")
        if workers is not None and not 1 <= workers <= MAX_LOCAL_WORKERS:
            raise BatchUsageError(f"--workers must be between 1 and {MAX_LOCAL_WORKERS} (a larger cluster: "
                                  "--scheduler)")
        if partitions is not None and not 1 <= partitions <= MAX_PARTITIONS:
            raise BatchUsageError(f"--partitions must be between 1 and {MAX_PARTITIONS:,}")
        try:
            overrides = parse_overrides(option or [])
        except ValueError as exc:
            raise BatchUsageError(str(exc)) from None
        if not 0 < connect_timeout < math.inf:  # (nan fails it too)
            raise BatchUsageError("--connect-timeout must be a positive number of seconds")
        try:  # (the file's [batch] memory_limit is checked when it is read)
            limit = parse_memory_limit(memory_limit if memory_limit is not None else _config(config).memory_limit)
        except ValueError as exc:
            raise BatchUsageError(f"--memory-limit: {exc}") from None
        options = BatchOptions(partitions=partitions, format=fmt, story_key=story_key, connect_timeout=connect_timeout,
                               diff=DiffOptions().with_overrides(**overrides))
        from storytrace.corpus.batch.inputs import open_source
        from storytrace.corpus.batch.manifest import check_output

        open_source(path, options)  # a bad input or output directory is refused before a cluster is started
        check_output(out)
        with _progress(quiet) as progress, dask_client(workers, scheduler, options.connect_timeout,
                                                       memory_limit=limit) as client:
            report = run_batch(path, out, options, client, progress=progress)
        if as_json:
            print_json(report.to_dict())
        else:
            write_out(report.summary_line() + "\n")


def _config(path: Path | None) -> BatchSettings:
    from storytrace.track.config import load_config

    return load_config(path).batch


class _Bar:
    """The progress callback of run_batch drawn as a rich progress bar on standard error."""

    def __init__(self, quiet: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from storytrace.terminal import Terminal

        console = Terminal(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, disable=quiet or not console.is_terminal, transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if phase not in self.tasks:
            label = "reading versions" if phase == "read" else "aligning partitions"
            self.tasks[phase] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _progress(quiet: bool) -> _Bar:
    return _Bar(quiet)
