"""`make demo`: the tracking job for real, on the bundled news site served on 127.0.0.1.

A fresh store in .demo/ (SQLite, the default), the demo site's feed added, then the watcher checks the
stories while the site publishes their revisions; the tour ends with one story's log and its latest diff.
Every step is a real `storytrace` command, printed before it runs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from storytrace.demo.site import NewsSite, demo_articles

DEMO_DIR = Path(".demo")
CONFIG = """# The demo's storytrace.toml: a local site, so no politeness delay, and checks a second apart.
[fetch]
politeness_delay = 0
[schedule]
first_interval = "1s"
max_interval = "2s"
"""


def storytrace(*args: str) -> None:
    """Run one storytrace command in the demo folder, showing it first; stop the tour if it fails."""
    print(f"\n$ storytrace {' '.join(args)}", flush=True)
    command = [str(Path(sys.executable).with_name("storytrace")), *args]
    done = subprocess.run(command, cwd=DEMO_DIR, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"demo: `storytrace {args[0]}` failed with status {done.returncode}")


def main() -> None:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir()
    (DEMO_DIR / "storytrace.toml").write_text(CONFIG, encoding="utf-8")
    articles = demo_articles()
    with NewsSite(articles) as site:
        print(f"The demo news site is serving {len(articles)} stories at {site.url('/')}", flush=True)
        storytrace("add", site.url("/feeds/rss.xml"))
        storytrace("watch", "--once")
        rounds = max(len(a.revisions) for a in articles) - 1
        for _ in range(rounds):
            published = [a.slug for a in articles if site.article(a.slug).current + 1 < len(a.revisions)]
            for slug in published:
                site.advance(slug)
            print(f"\n(the site publishes new revisions of: {', '.join(published)})", flush=True)
            time.sleep(1.1)
            storytrace("watch", "--once")
        story = site.url(f"/news/{articles[0].slug}")
        storytrace("log", story)
        storytrace("diff", f"{story}@first", f"{story}@latest", "--changes")
    print(f"\nThe store is {DEMO_DIR / 'storytrace.db'}; try: cd {DEMO_DIR} && storytrace feed", flush=True)


if __name__ == "__main__":
    main()
