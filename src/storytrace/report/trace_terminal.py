"""Terminal report of a ``storytrace.trace/1`` document: the sources ranked by share, then every sentence of the
traced text with its verdict in colour (and spelled out, so it survives a pipe without colour).

Article text only enters rich as :class:`rich.text.Text`, never as markup.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

VERDICT_STYLE = {"copied": "dim", "edited": "yellow", "paraphrased": "cyan", "unsupported": "bold red"}


def summary_line(doc: dict[str, Any]) -> str:
    """E.g. ``10 sentences · 7 copied · 1 edited · 0 paraphrased · 2 unsupported · 2 sources · 83% supported``."""
    s = doc["summary"]
    return (
        f"{s['sentences']} sentences · {s['copied']} copied · {s['edited']} edited · {s['paraphrased']} paraphrased"
        f" · {s['unsupported']} unsupported · {s['sources']} source(s) · {s['supported_share']:.0%} supported"
    )


def render(doc: dict[str, Any], console: Console) -> None:
    console.print(Text(f"{doc['document']['label']} traced against {doc['index']['label']} "
                       f"({doc['index']['documents']:,} documents)", style="bold"))
    console.print(Text(summary_line(doc)))
    if doc["sources"]:
        console.print(_sources(doc))
    else:
        console.print(Text("No source found: every sentence is unsupported.", style="bold red"))
    text = doc["document"]["text"]
    for s in doc["sentences"]:
        line = Text()
        line.append(f"{s['verdict']:>11}  ", style=VERDICT_STYLE[s["verdict"]])
        line.append(" ".join(text[s["start"] : s["end"]].split()), style=VERDICT_STYLE[s["verdict"]])
        if s["source"] is not None:
            detail = f"  ← {s['source']} #{','.join(str(n + 1) for n in s['source_sentences'])}"
            if s["reasons"]:
                detail += f" ({'; '.join(s['reasons'])})"
            line.append(detail, style="dim italic")
        console.print(line)


def _sources(doc: dict[str, Any]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name, justify in (("#", "right"), ("source", "left"), ("share", "right"), ("copied", "right"),
                          ("edited", "right"), ("paraphrased", "right"), ("outlet", "left"), ("time", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in doc["sources"]:
        table.add_row(
            str(s["rank"]), Text(s["id"]), f"{s['share']:.0%}", str(s["copied"]), str(s["edited"]),
            str(s["paraphrased"]), Text(s["outlet"] or ""), Text(s["time"] or ""),
        )
    return table
