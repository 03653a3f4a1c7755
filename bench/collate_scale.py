"""Time and peak memory of `storytrace collate` on many versions, run as a user runs it (the installed command).

Two kinds of input are built at run time from the RoFT NYT prompts (never stored in the repo):

- `unrelated`: N versions, each three consecutive passages of its own (about 30 sentences, no statement shared);
- `chain`: N revisions of one 200-sentence story (20 passages), each made from the one before by 1-4 seeded edits
  (a sentence inserted from other passages, deleted, moved, or a word replaced).

Each version is a file; the command is `storytrace collate FILE... --json` with standard output to /dev/null. Wall
and CPU time are of the whole process (start-up included, about 0.3 s); peak is that process's maximum resident set.

    .venv/bin/python bench/collate_scale.py --kinds unrelated,chain --sizes 100,200,400
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from measured import Measured, run_storytrace

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ROOT.parent / "shared" / "data" / "roft-nyt" / "prompts-nyt-dev.json"
WORDS = ("reportedly", "twelve", "Tuesday", "officials", "not")


def unrelated(passages: list[list[str]], n: int) -> list[str]:
    if 3 * n > len(passages):
        raise SystemExit(f"only {len(passages) // 3} unrelated versions can be made")
    return ["\n\n".join(" ".join(p) for p in passages[3 * k : 3 * k + 3]) for k in range(n)]


def chain(passages: list[list[str]], n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    story = [s.strip() for p in passages[100:120] for s in p if s.strip()]
    pool = [s for p in passages[600:900] for s in p]
    texts = []
    for _ in range(n):
        texts.append("\n\n".join(" ".join(story[k : k + 3]) for k in range(0, len(story), 3)))
        story = list(story)
        for _ in range(rng.randint(1, 4)):
            op = rng.choice(("insert", "delete", "move", "word", "word"))
            if op == "insert":
                story.insert(rng.randrange(len(story) + 1), rng.choice(pool))
            elif op == "delete" and len(story) > 5:
                del story[rng.randrange(len(story))]
            elif op == "move":
                moved = story.pop(rng.randrange(len(story)))
                story.insert(rng.randrange(len(story) + 1), moved)
            else:
                i = rng.randrange(len(story))
                words = story[i].split()
                if len(words) > 4:
                    words[rng.randrange(len(words))] = rng.choice(WORDS)
                    story[i] = " ".join(words)
    return texts


def measure(texts: list[str], folder: Path) -> tuple[Measured, dict[str, int]]:
    """Wall and CPU seconds, peak resident MB, and the collation's summary."""
    files = []
    for k, text in enumerate(texts):
        path = folder / f"v{k:04d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    out = folder / "out.json"
    with out.open("wb") as stdout:
        measured = run_storytrace(["collate", *files, "--json"], stdout=stdout)
    summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
    return measured, summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kinds", default="unrelated,chain")
    ap.add_argument("--sizes", default="100,200,400")
    args = ap.parse_args()
    passages = json.loads(PROMPTS.read_text(encoding="utf-8"))["prompts"]
    print("| input | versions | units | wall | CPU | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in args.kinds.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            texts = unrelated(passages, n) if kind == "unrelated" else chain(passages, n)
            with tempfile.TemporaryDirectory() as folder:
                (wall, peak, cpu), summary = measure(texts, Path(folder))
            print(f"| {kind} | {n} | {summary['units']:,} | {wall:.2f} s | {cpu:.2f} s | {peak:.0f} MB |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
