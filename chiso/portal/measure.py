"""Measure the portal on the demo: server time per page (p50, p95) and compressed page weight.

    python -m chiso.portal.measure [--data-dir DIR] [-n 30]

DIR is the folder ``chiso demo`` built (default ``$CHISO_DATA_DIR/demo``). Each page is requested
N times with Django's test Client (no network): the first, cold request (nothing memoised yet) is
reported apart, p50/p95 over all N. Page weight is the gzip size (level 9, as whitenoise stores it
after ``collectstatic``) of the HTML plus every stylesheet and script it links, ECharts included,
and the brotli size when the brotli module is installed.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

PAGES = [
    ("overview (today's units)", "/"),
    ("overview (as in 2024)", "/?v=2024"),
    ("unit: quận Thanh Khê 2024", "/don-vi/2024/491/"),
    ("unit: phường Thạc Gián 2024", "/don-vi/2024/20221/"),
    ("unit: phường Thanh Khê today", "/don-vi/2025-07/20209/"),
    ("indicator: XHS-06", "/chi-tieu/XHS-06/"),
    ("indicator: CQS-03 as in 2024", "/chi-tieu/CQS-03/?v=2024"),
    ("search: thac gian", "/tim-kiem/?q=thac+gian"),
]
GOAL_MS = 150
GOAL_BYTES = 1_500_000


def _setup(data_dir: str | None) -> None:
    from chiso import conf

    folder = Path(os.path.expanduser(data_dir or os.path.join(conf.env_str("CHISO_DATA_DIR"), "demo")))
    database = folder / "chiso.sqlite3"
    if not database.exists():
        sys.exit(f"No demo database at {database}: run `chiso demo --no-serve --data-dir {folder}` first.")
    os.environ["CHISO_DATA_DIR"] = str(folder)
    os.environ["CHISO_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["CHISO_ALLOWED_HOSTS"] = "testserver"  # Django's test Client
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def _assets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(r'<script src="([^"]+)"', html)


def _static_bytes(url: str) -> bytes:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = finders.find(url.removeprefix("/" + settings.STATIC_URL.lstrip("/")))
    return Path(path).read_bytes() if path else b""


def weight(html: bytes) -> tuple[int, int, int | None]:
    """(raw bytes, gzip bytes, brotli bytes or None) of the page and its stylesheets and scripts."""
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        brotli = None
    parts = [html] + [_static_bytes(u) for u in _assets(html.decode())]
    raw = sum(len(p) for p in parts)
    zipped = sum(len(gzip.compress(p, 9)) for p in parts)
    squeezed = sum(len(brotli.compress(p)) for p in parts) if brotli else None
    return raw, zipped, squeezed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir")
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args(argv)
    _setup(args.data_dir)
    from django.test import Client

    client = Client()
    print(f"{'page':34} {'cold ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'raw KB':>8} {'gzip KB':>8} {'br KB':>7}")
    for name, url in PAGES:
        times = []
        response = None
        for _ in range(args.n):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url}: HTTP {response.status_code}")
        raw, zipped, squeezed = weight(response.content)  # type: ignore[union-attr]
        flag = "" if percentile(times, 0.95) <= GOAL_MS and zipped <= GOAL_BYTES else "  (over goal)"
        print(f"{name:34} {times[0]:8.0f} {statistics.median(times):7.0f} {percentile(times, 0.95):7.0f} "
              f"{raw / 1024:8.0f} {zipped / 1024:8.0f} {(squeezed or 0) / 1024:7.0f}{flag}")
    print(f"\nGoals: p95 ≤ {GOAL_MS} ms; page weight ≤ {GOAL_BYTES / 1e6:.1f} MB compressed. "
          "p95 over N requests includes the cold first one; figures are memoised until the next change.")


if __name__ == "__main__":
    main()
