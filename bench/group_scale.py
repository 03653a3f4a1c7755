"""Time and peak memory of `storytrace group` on a crawl with many copies of one page (the installed command).

The corpus is built at run time from the RoFT NYT prompts (never stored in the repo): the 1,340 passages, then N
exact copies of one passage and N / 4 copies of another with one word replaced by a number (a different word in
each). One JSONL file; the command is `storytrace group --corpus crawl.jsonl` with output to a file, the index
built in memory. Wall time is of the whole process; peak is its maximum resident set.

    .venv/bin/python bench/group_scale.py --copies 1000,2000,8000
    .venv/bin/python bench/group_scale.py --shared-opening 3    # documents sharing bands that do not join
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from measured import run_storytrace

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ROOT.parent / "shared" / "data" / "roft-nyt" / "prompts-nyt-dev.json"


def corpus(passages: list[list[str]], copies: int) -> list[tuple[str, str]]:
    documents = [(f"p{k:04d}", " ".join(p)) for k, p in enumerate(passages)]
    documents += [(f"copy{k:05d}", " ".join(passages[7])) for k in range(copies)]
    near = " ".join(passages[8]).split()
    for k in range(copies // 4):
        words = list(near)
        words[k % len(words)] = str(k)
        documents.append((f"near{k:05d}", " ".join(words)))
    return documents


def shared_opening(passages: list[list[str]], sentences: int) -> list[tuple[str, str]]:
    """Passages 1 to 1,339, each opening with the first `sentences` sentences of passage 0 instead of its own: many
    documents that share LSH bands without being one story."""
    opening = passages[0][:sentences]
    return [(f"p{k:04d}", " ".join(opening + p[sentences:])) for k, p in enumerate(passages) if k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", default="1000,2000,8000")
    ap.add_argument("--shared-opening", type=int, default=0, metavar="N",
                    help="instead: the passages with the same first N sentences (no copies)")
    args = ap.parse_args()
    passages = json.loads(PROMPTS.read_text(encoding="utf-8"))["prompts"]
    print("| exact copies | near copies | documents | stories | wall | CPU | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for copies in (int(s) for s in args.copies.split(",")) if not args.shared_opening else [0]:
        documents = shared_opening(passages, args.shared_opening) if args.shared_opening else corpus(passages, copies)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "crawl.jsonl"
            path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in documents), encoding="utf-8")
            out = Path(folder) / "stories.jsonl"
            wall, peak_mb, cpu = run_storytrace(["group", "--corpus", str(path), "--output", str(out)])
            stories = {json.loads(line)["story"] for line in out.read_text(encoding="utf-8").splitlines()}
        print(
            f"| {copies:,} | {copies // 4:,} | {len(documents):,} | {len(stories):,} | {wall:.2f} s "
            f"| {cpu:.2f} s | {peak_mb:.0f} MB |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
