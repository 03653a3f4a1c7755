"""What an idle local Dask cluster costs: CPU used per second by the client's process (scheduler, nannies, client)
and by each worker, with Dask's default housekeeping and with storytrace's (`QUIET_LOCAL_CLUSTER`).

    .venv/bin/python bench/dask_idle.py                  # 2 workers, 4 s of idling per setting
    .venv/bin/python bench/dask_idle.py --seconds 10 --json bench/out/dask_idle.json

With as many workers as cores, every CPU-second spent here is taken from the tasks of a batch run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from machine import describe, write_report

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def idle_cost(workers: int, seconds: float, settings: dict[str, Any]) -> list[float]:
    """CPU-seconds per second of each process of a fresh local cluster left idle: the client's first."""
    import dask
    import psutil
    from distributed import Client, LocalCluster

    with dask.config.set(settings):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          scheduler_kwargs={"dashboard_address": ":0"}) as cluster, Client(cluster):
            time.sleep(1.0)  # start-up settles
            processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
            processes = [p for p in processes if "resource_tracker" not in " ".join(p.cmdline())]
            before = [sum(p.cpu_times()[:2]) for p in processes]
            time.sleep(seconds)
            return [(sum(p.cpu_times()[:2]) - used) / seconds for p, used in zip(processes, before, strict=True)]


def main() -> None:
    from storytrace.corpus.batch.cluster import QUIET_LOCAL_CLUSTER

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    print(describe())
    rows = []
    for name, settings in (("dask defaults", {}), ("storytrace (QUIET_LOCAL_CLUSTER)", QUIET_LOCAL_CLUSTER)):
        shares = idle_cost(args.workers, args.seconds, settings)
        rows.append({"settings": name, "client_process": round(shares[0], 4), "workers": [round(s, 4) for s in
                     shares[1:]], "total_share_of_a_core": round(sum(shares), 4)})
        print(f"{name}: client process {shares[0]:.1%} of a core, workers "
              f"{', '.join(f'{s:.1%}' for s in shares[1:])}; in all {sum(shares):.1%} of a core")
    if args.json:
        write_report(args.json, "dask_idle.py", rows)


if __name__ == "__main__":
    main()
