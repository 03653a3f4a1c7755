"""Memory and time on two ~5 MB documents, each method in a fresh subprocess.

A is real NYT sentences: the corpus repeated, with a mark "[eE/pP]" (edition E, passage P) put after the
first word of each copied sentence so that no sentence repeats exactly. B is A with about 20% of its
sentences edited as in bench/pairs.py. Peak RSS is the child's VmHWM (and its ru_maxrss from wait4, which agrees).
`--one-paragraph` joins each document into a single paragraph and `--typographic` prints its quotes and dashes as
the web does (`pairs.typographic`): the worst case for work done per paragraph (a 2 MB paragraph full of curly
quotes once took the sentence cutter 8 s, quadratic in the paragraph's length). `--one-sentence` takes out every
full stop and paragraph break: each document is one sentence of hundreds of thousands of words, the worst case for
work done per sentence (the word diff and the word-sequence similarity: 300,000 words once took 7.5 GB).

    .venv/bin/python bench/memory.py
    .venv/bin/python bench/memory.py --methods storytrace --one-paragraph --typographic
    .venv/bin/python bench/memory.py --methods storytrace,cli --one-sentence --size 2000000
    .venv/bin/python bench/memory.py --methods storytrace,cli,cli-default-gc   # also `storytrace diff --json`

`cli` runs the command `storytrace diff A B --json` (output discarded) and times the whole process; `cli-default-gc`
runs the same command without its garbage-collector settings (`storytrace.collector`): Typer's app called directly
instead of the entry point.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe, write_report
from pairs import load_passages, paragraph_ends, render, revise, typographic

TARGET_MB = 1024
# What may end a sentence, taken out by --one-sentence (white space then made single spaces).
_SENTENCE_MARKS = re.compile(r"[.!?;:]")


def one_sentence(text: str) -> str:
    return " ".join(_SENTENCE_MARKS.sub("", text).split())


def _marked(sentence: str, mark: str) -> str:
    """The sentence with " [mark]" after its first word: inside the sentence, whatever its punctuation.

    (A mark such as "(passage 352)" would not do: sentencex sometimes splits before "352)".)
    """
    first, _, rest = sentence.partition(" ")
    return f"{first} [{mark}] {rest}" if rest else f"{sentence} [{mark}]"


def build_documents(size: int = 5_000_000, seed: int = 0) -> tuple[str, str]:
    """Two documents of about `size` bytes: A, and B = A with ~20% of its sentences edited."""
    passages = load_passages()
    sentences: list[str] = []
    total, edition = 0, 0
    while total < size:
        for p, passage in enumerate(passages):
            for s in passage:
                if edition:
                    s = _marked(s, f"e{edition}/p{p}")
                sentences.append(s)
                total += len(s.encode()) + 1
            if total >= size:
                break
        edition += 1
    rng = random.Random(seed)
    ends = paragraph_ends(len(sentences), rng)
    inserts = [_marked(s, f"add{i}") for i, s in enumerate(rng.sample(sentences, min(2000, len(sentences))))]
    items = revise(sentences, ends, rng, inserts)
    text_b = render([it.text for it in items], {j for j, it in enumerate(items) if it.pend})
    return render(sentences, ends), text_b


def _status_mb(field: str) -> float:
    """A memory field (VmRSS, VmHWM) of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(method: str, path_a: Path, path_b: Path, timeout: int) -> None:
    """Run one method on the two files and print one JSON line of measurements."""

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"no result within {timeout} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(timeout)
    text_a, text_b = path_a.read_text(encoding="utf-8"), path_b.read_text(encoding="utf-8")
    if method == "storytrace":
        import storytrace

        fn = storytrace.diff
    else:
        from baselines import METHODS

        fn = METHODS[method]
    out: dict = {"method": method, "rss_before_mb": _status_mb("VmRSS")}
    try:
        start = time.perf_counter()
        result = fn(text_a, text_b)
        out["diff_s"] = time.perf_counter() - start
        out["hwm_after_diff_mb"] = _status_mb("VmHWM")
        if method == "storytrace":
            start = time.perf_counter()
            doc = result.to_dict()
            out["to_dict_s"] = time.perf_counter() - start
            out["links"] = len(doc["links"])
        else:
            out["links"] = len(result)
    except TimeoutError as exc:
        out["error"] = str(exc)
    out["hwm_mb"] = _status_mb("VmHWM")
    print(json.dumps(out))


CLI_WITHOUT_GC_SETTINGS = "import sys; from storytrace.cli import app; sys.argv[0] = 'storytrace'; app()"


def run_command(method: str, path_a: Path, path_b: Path) -> dict:
    """`storytrace diff A B --json` as a user runs it (or, for cli-default-gc, without the collector settings)."""
    size = max(path_a.stat().st_size, path_b.stat().st_size)
    command = Path(sys.executable).with_name("storytrace")  # the entry point installed beside this interpreter
    entry = [str(command)] if method == "cli" else [sys.executable, "-c", CLI_WITHOUT_GC_SETTINGS]
    cmd = [*entry, "diff", str(path_a), str(path_b), "--json", "--max-bytes", str(size + 1)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    out: dict = {"method": method, "process_wall_s": wall, "ru_maxrss_mb": usage.ru_maxrss / 1024}
    if proc.returncode != 0:
        out["error"] = f"exited with {proc.returncode}"
    return out


def run_child(method: str, path_a: Path, path_b: Path, timeout: int) -> dict:
    """Run `child` in a fresh interpreter; add its wall time and ru_maxrss (from wait4)."""
    if method in ("cli", "cli-default-gc"):
        return run_command(method, path_a, path_b)
    cmd = [sys.executable, __file__, "--child", method, str(path_a), str(path_b), "--timeout", str(timeout)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    try:
        out = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        out = {"method": method, "error": f"child exited with {proc.returncode}"}
    out["process_wall_s"] = wall
    out["ru_maxrss_mb"] = usage.ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=5_000_000, help="bytes per document (default 5,000,000)")
    parser.add_argument("--methods", default="storytrace,newsedits,difflib", help="comma-separated")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per method")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one-paragraph", action="store_true", help="each document as a single paragraph")
    parser.add_argument("--typographic", action="store_true", help="curly quotes and dashes, as on the web")
    parser.add_argument("--one-sentence", action="store_true",
                        help="each document as one sentence: no paragraph breaks and no . ! ? ; : (a page of data)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "A", "B"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]), args.timeout)
        return

    text_a, text_b = build_documents(args.size, args.seed)
    if args.one_paragraph:
        text_a, text_b = text_a.replace("\n\n", " "), text_b.replace("\n\n", " ")
    if args.typographic:
        text_a, text_b = typographic(text_a), typographic(text_b)
    if args.one_sentence:
        text_a, text_b = one_sentence(text_a), one_sentence(text_b)
    print(describe())
    print(
        f"A: {len(text_a.encode()) / 1e6:.2f} MB, {text_a.count(chr(10) * 2) + 1} paragraphs; "
        f"B: {len(text_b.encode()) / 1e6:.2f} MB\n"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path_a, path_b = Path(tmp, "a.txt"), Path(tmp, "b.txt")
        path_a.write_text(text_a, encoding="utf-8")
        path_b.write_text(text_b, encoding="utf-8")
        for method in args.methods.split(","):
            rows.append(run_child(method, path_a, path_b, args.timeout))

    print("| method | diff wall time (s) | to_dict (s) | process wall (s) | peak RSS (MB) | links |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        if "error" in r:
            print(f"| {r['method']} | {r['error']} | | {r['process_wall_s']:.1f} | {r['ru_maxrss_mb']:.0f} | |")
            continue
        if "diff_s" not in r:  # a command: the whole process
            print(f"| {r['method']} (whole command) | | | {r['process_wall_s']:.2f} | {r['ru_maxrss_mb']:.0f} | |")
            continue
        to_dict = f"{r['to_dict_s']:.2f}" if "to_dict_s" in r else "n/a"
        print(
            f"| {r['method']} | {r['diff_s']:.2f} | {to_dict} | {r['process_wall_s']:.1f} "
            f"| {r['hwm_mb']:.0f} | {r['links']:,} |"
        )
    for r in rows:
        if r["method"] == "storytrace" and "error" not in r:
            verdict = "met" if r["hwm_mb"] < TARGET_MB else "NOT met"
            print(f"\n- storytrace peak RSS {r['hwm_mb']:.0f} MB (target < {TARGET_MB} MB: {verdict})")
    if args.json:
        write_report(args.json, "memory.py", rows)


if __name__ == "__main__":
    main()
