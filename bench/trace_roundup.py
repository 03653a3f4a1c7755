"""`storytrace trace` on long roundups: N whole RoFT NYT passages in one text, traced against all 1,340.

Built at run time from the RoFT prompts (never stored in the repo): an index of the 1,340 passages (one JSONL
file, `storytrace index`), then for each N a text of passages 0 .. N-1 one after another, traced with `storytrace
trace roundup.txt --index wire.index --json`. Every sentence of a roundup is in the index, so supported share
should be near 1. Wall time and peak resident memory are of the trace process alone.

    .venv/bin/python bench/trace_roundup.py --passages 10,60,400,1340
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from measured import COMMAND, run_storytrace

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ROOT.parent / "shared" / "data" / "roft-nyt" / "prompts-nyt-dev.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--passages", default="10,60,400,1340")
    args = ap.parse_args()
    passages = json.loads(PROMPTS.read_text(encoding="utf-8"))["prompts"]
    print("| passages | sentences | sources | supported share | wall | CPU | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        lines = (json.dumps({"id": f"p{k:04d}", "text": " ".join(p)}) + "\n" for k, p in enumerate(passages))
        (where / "wire.jsonl").write_text("".join(lines), encoding="utf-8")
        subprocess.run(
            [COMMAND, "index", "wire.jsonl", "--index", "wire.index"], cwd=where, check=True, capture_output=True
        )
        for n in (int(s) for s in args.passages.split(",")):
            text = "\n\n".join(" ".join(p) for p in passages[:n])
            (where / "roundup.txt").write_text(text, encoding="utf-8")
            with (where / "out.json").open("wb") as out:
                wall, peak_mb, cpu = run_storytrace(
                    ["trace", "roundup.txt", "--index", "wire.index", "--json"], cwd=where, stdout=out
                )
            summary = json.loads((where / "out.json").read_text(encoding="utf-8"))["summary"]
            print(
                f"| {n:,} | {summary['sentences']:,} | {summary['sources']:,} | {summary['supported_share']:.3f} "
                f"| {wall:.2f} s | {cpu:.2f} s | {peak_mb:.0f} MB |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
