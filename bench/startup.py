"""Start-up cost: `safet --help` against `python -c pass`, and the idle memory of `safet serve`.

    python bench/startup.py               # 30 runs of each command, then `safet serve` RSS
    python bench/startup.py --runs 10 --workers 2

`--help` runs are interleaved with the baseline so both see the same machine load; medians are
compared. RSS is VmRSS from /proc/<pid>/status of the gunicorn master and each worker, read once
`/healthz` answers and the server has been idle for a second, and again after 100 `/safet help`
requests (the first requests import and cache what start-up did not).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: a patched copy wins

from bench.common import (
    KeepAliveClient,
    children,
    command_body,
    percentile,
    safet_exe,
    start_safet,
    temp_dir,
)
from tests.fake_slack import FakeSlack

TARGET_HELP_MS = 300.0
TARGET_RSS_MB = 90.0


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pss_mb(pid: int) -> float:
    """Proportional set size: pages shared by master and worker (fork, copy-on-write) count once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def bench_help(runs: int) -> tuple[float, bool]:
    safet, python = [safet_exe(), "--help"], [sys.executable, "-c", "pass"]
    timed(safet)
    timed(python)  # warm the page cache
    help_ms, base_ms = [], []
    for _ in range(runs):
        help_ms.append(timed(safet))
        base_ms.append(timed(python))
    h, b = statistics.median(help_ms), statistics.median(base_ms)
    print(f"== safet --help, {runs} runs interleaved with python -c pass")
    print(f"  safet --help     p50={h:7.1f} ms  p90={percentile(help_ms, 90):7.1f}  max={max(help_ms):7.1f}")
    print(f"  python -c pass   p50={b:7.1f} ms  p90={percentile(base_ms, 90):7.1f}  max={max(base_ms):7.1f}")
    met = h < TARGET_HELP_MS
    print(f"  --help above the bare interpreter: {h - b:.1f} ms;  target < {TARGET_HELP_MS:.0f} ms  "
          f"{'OK' if met else 'MISSED'}")
    return h, met


def bench_rss(workers: int, threads: int, database_url: str | None) -> tuple[float, bool]:
    with FakeSlack() as fake, temp_dir("safet-startup-") as tmp, children() as kids:
        url = database_url or f"sqlite:///{tmp}/rss.sqlite3"
        started = time.perf_counter()
        server = start_safet("serve", database_url=url, api_url=fake.base_url, log_dir=tmp, workers=workers,
                             threads=threads)
        kids.append(server)
        server.wait_ready()
        ready_s = time.perf_counter() - started
        time.sleep(1.0)
        pids = server.pids()
        idle = {pid: vm_rss_mb(pid) for pid in pids}
        idle_pss = {pid: pss_mb(pid) for pid in pids}
        client = KeepAliveClient(server.port)
        for i in range(100):
            client.post(command_body("help", trigger_id=f"rss-{i}"))
        client.close()
        time.sleep(0.5)
        used = {pid: vm_rss_mb(pid) for pid in pids}
        used_pss = {pid: pss_mb(pid) for pid in pids}
    total_idle, total_used = sum(idle.values()), sum(used.values())
    print(f"== safet serve ({workers} worker(s) × {threads} threads, {url.split(':')[0]}): "
          f"/healthz answered {ready_s:.2f} s after exec")
    for pid in pids:
        role = "master" if pid == pids[0] else "worker"
        print(f"  {role:<6} pid {pid:<7} VmRSS idle {idle[pid]:6.1f} MB (PSS {idle_pss[pid]:5.1f})   "
              f"after 100 requests {used[pid]:6.1f} MB (PSS {used_pss[pid]:5.1f})")
    met = total_idle < TARGET_RSS_MB
    print(f"  total idle {total_idle:.1f} MB (target < {TARGET_RSS_MB:.0f} MB) {'OK' if met else 'MISSED'};  "
          f"after 100 requests {total_used:.1f} MB")
    print(f"  PSS (shared pages counted once): idle {sum(idle_pss.values()):.1f} MB, "
          f"after 100 requests {sum(used_pss.values()):.1f} MB")
    return total_idle, met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args(argv)
    _, help_ok = bench_help(args.runs)
    _, rss_ok = bench_rss(args.workers, args.threads, args.database_url)
    return 0 if help_ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
