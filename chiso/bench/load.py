"""Load test of issue 8 ("Done when"): a big import while readers, another user's API writes and logins go on.

    python -m chiso.bench.load [--database sqlite|URL] [--figures 200000] [--readers 20] [--port 8108]
                               [--server waitress|runserver|serve] [--workers N] [--json FILE] [--keep]

Everything runs on loopback and stops by itself:

1. builds the Đà Nẵng demo in its own database (a fresh SQLite file in a temporary folder, or the PostgreSQL
   database of ``--database URL``, dropped and created: its name must contain "load" or "bench"), stores
   ``--figures`` figures (every ward and commune of the version in force × integer data elements × months
   from 2090-01) and writes a CSV changing every one of them;
2. starts the app on 127.0.0.1 in a multi-threaded WSGI server (waitress by default: a production server
   from PyPI with a thread pool; ``runserver`` is what ``chiso demo`` uses; ``serve`` is ``chiso serve``:
   gunicorn with ``--workers`` processes of 4 threads, compressed static files), and weighs the indicator page
   (HTML, stylesheets and scripts as the browser receives them with and without gzip and brotli);
3. a baseline of ``--baseline`` seconds, then the import (``chiso import --user admin`` in its own process,
   as an administrator would run it), while ``--readers`` threads read public pages and the read API
   without pause, the ward officer ``thanhkhe`` writes a figure through ``POST /api/v1/values`` with an API
   token every ``--write-every`` seconds and the officer ``thacgian`` logs in every ``--login-every`` seconds;
   and, in a process of its own, the same officer's figure is saved through ``do_set_values`` every
   ``--write-every`` seconds: its latency is the database wait alone, without HTTP or a busy server;
4. prints server errors (5xx) and requests without an answer within 60 s, reader latencies (p50/p95/max; pages
   and API reads apart),
   the other writers' latencies, the import's duration, its longest write transaction (wall and CPU time;
   on SQLite the time it holds the write lock; a large import on SQLite writes in batches: of how many) and its
   peak memory.

Phases run as child processes of this one (``--phase setup|import|writer``) so each has its own settings.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any

IMPORT_USER = "admin"
WRITER = ("thanhkhe", "20209", "2025-07")  # a ward officer of the version in force, and its unit
LOGIN_USER = "thacgian"
DEMO_PASSWORD = "chiso-demo"  # chiso.demo.builder.DEMO_PASSWORD (not imported: this process has no Django)
WRITE_ELEMENT = "XHS-14"
WRITE_PERIOD = "2089-12"  # no report and no imported figure lives there
READ_PATHS = (
    "/",
    "/chi-tieu/",
    "/chi-tieu/XHS-06/",
    "/don-vi/",
    "/don-vi/2025-07/48/",
    "/don-vi/2025-07/20209/",
    "/tim-kiem/?q=thanh+khe",
    "/api/v1/units?version=2025-07&limit=100",
    "/api/v1/values?unit=20209&limit=100",
    "/api/v1/values?data=XHS-06&limit=100",
    "/api/v1/versions",
    "/api/v1/analytics/values?data=XHS-06,CQS-03&units=48,48/children&periods=2025-12,2025Q4&hierarchy=2025-07",
)
READS = {  # --reads: what the readers ask for
    "all": READ_PATHS,
    "api": tuple(p for p in READ_PATHS if p.startswith("/api/")) + ("/don-vi/", "/tim-kiem/?q=thanh+khe"),
}
MAX_SECONDS = 1800  # the whole run stops after this, whatever happens
REQUEST_TIMEOUT = 60


# -- the parent: build, serve, load, report -------------------------------------------------------------


@dataclass
class Sample:
    kind: str  # read, write, login
    phase: str  # baseline, import
    seconds: float
    status: int  # 0: no answer


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = "baseline"

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.samples.append(Sample(kind, self.phase, seconds, status))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m chiso.bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--phase", choices=["run", "setup", "import", "writer"], default="run", help=argparse.SUPPRESS
    )
    parser.add_argument("--folder", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (a fresh file, default) or a PostgreSQL URL whose name contains 'load'",
    )
    parser.add_argument("--figures", type=int, default=200_000, help="Changed figures the import writes")
    parser.add_argument("--readers", type=int, default=20, help="Concurrent readers (default 20)")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--server", choices=["waitress", "runserver", "serve"], default="waitress")
    parser.add_argument("--workers", type=int, default=0,
                        help="--server serve: gunicorn processes (default: chiso serve's, 2 × CPUs + 1)")
    parser.add_argument("--baseline", type=float, default=15.0, help="Seconds of load before the import")
    parser.add_argument(
        "--write-every", type=float, default=0.5, help="Seconds between the officer's API writes"
    )
    parser.add_argument("--login-every", type=float, default=2.0, help="Seconds between logins")
    parser.add_argument("--reads", choices=list(READS), default="all",
                        help="all: public pages (analytics) and the read API (default); api: the read API, the "
                             "unit tree and search only")
    parser.add_argument("--json", default="", help="Also write the results as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (and SQLite file)")
    args = parser.parse_args(argv)
    if args.phase == "setup":
        _setup_phase(Path(args.folder), args.figures)
    elif args.phase == "import":
        _import_phase(Path(args.folder))
    elif args.phase == "writer":
        _writer_phase(Path(args.folder), args.write_every)
    else:
        _run(args)


def _run(args: argparse.Namespace) -> None:
    deadline = time.monotonic() + MAX_SECONDS
    folder = Path(tempfile.mkdtemp(prefix="chiso-load-"))
    url = _database_url(args.database, folder)
    from chiso.bench.environment import recreate

    recreate(url)
    env = {
        **os.environ,
        "CHISO_DATA_DIR": str(folder),
        "CHISO_DATABASE_URL": url,
        "CHISO_DEBUG": "False",
        "DJANGO_SETTINGS_MODULE": "chiso.settings",
        "CHISO_ALLOWED_HOSTS": "127.0.0.1",
    }
    me = [sys.executable, "-m", "chiso.bench.load", "--folder", str(folder)]
    log = _log
    log(f"database {_safe(url)}; folder {folder}")
    started = time.perf_counter()
    subprocess.run(
        [*me, "--phase", "setup", "--figures", str(args.figures)], env=env, check=True, timeout=MAX_SECONDS
    )
    log(f"built the demo and {args.figures:,} stored figures in {time.perf_counter() - started:.0f} s")
    setup = json.loads((folder / "setup.json").read_text(encoding="utf-8"))
    server = _serve(args, env, folder)
    recorder = Recorder()
    stop = threading.Event()
    results: dict[str, Any] = {}
    weight: dict[str, int] = {}
    try:
        base = f"http://127.0.0.1:{args.port}"
        _wait_until_up(base, deadline)
        for path in READS[args.reads]:  # warm up: templates, caches
            _get(base + path)
        weight = page_weight(base, WEIGHED_PAGE)
        log("indicator page " + ", ".join(f"{k}: {v:,} bytes" for k, v in weight.items()))
        threads = [
            threading.Thread(target=_reader, args=(base, i, READS[args.reads], recorder, stop, deadline),
                             daemon=True)
            for i in range(args.readers)
        ]
        threads.append(
            threading.Thread(
                target=_writer,
                daemon=True,
                args=(base, setup["token"], args.write_every, recorder, stop, deadline),
            )
        )
        threads.append(
            threading.Thread(
                target=_logins, daemon=True, args=(base, args.login_every, recorder, stop, deadline)
            )
        )
        for thread in threads:
            thread.start()
        direct = subprocess.Popen([*me, "--phase", "writer", "--write-every", str(args.write_every)], env=env)
        log(
            f"{args.readers} readers, 1 API writer, 1 direct writer, 1 login loop on {base}; "
            f"baseline {args.baseline:g} s"
        )
        time.sleep(args.baseline)
        (folder / "import-started").write_text(str(time.time()), encoding="utf-8")
        recorder.phase = "import"
        log(f"importing {args.figures:,} changed figures…")
        done = subprocess.run(
            [*me, "--phase", "import"],
            env=env,
            capture_output=True,
            text=True,
            timeout=max(1.0, deadline - time.monotonic()),
        )
        if done.returncode:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise SystemExit(f"the import failed (exit code {done.returncode})")
        results = json.loads(done.stdout.strip().splitlines()[-1])
        recorder.phase = "after"
        (folder / "import-finished").write_text(str(time.time()), encoding="utf-8")
        direct.wait(timeout=REQUEST_TIMEOUT + 30)
        recorder.samples += [
            Sample("direct write", phase, seconds, 200 if ok else 500)
            for phase, seconds, ok in json.loads((folder / "writer.json").read_text())
        ]
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    report = _report(args, url, recorder.samples, results)
    report["page_weight"] = weight
    report["table"] += "\n" + f"{WEIGHED_PAGE} as received (HTML + CSS + JS): " + "; ".join(
        f"{k} {v:,} bytes".replace(",", ".") for k, v in weight.items())
    print(report["table"])
    if args.json:
        Path(args.json).write_text(
            json.dumps({k: v for k, v in report.items() if k != "table"}, indent=2, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )
    if args.keep:
        log(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def _database_url(choice: str, folder: Path) -> str:
    if choice == "sqlite":
        return f"sqlite:///{folder / 'load.sqlite3'}"
    name = urllib.parse.urlsplit(choice).path.rsplit("/", 1)[-1]
    if not choice.startswith(("postgres://", "postgresql://")) or not ("load" in name or "bench" in name):
        raise SystemExit(
            f"--database: 'sqlite' or a PostgreSQL URL whose database name contains 'load' (it is "
            f"dropped and created), not {choice!r}"
        )
    return choice


def _serve(args: argparse.Namespace, env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    output = (folder / "server.log").open("wb")
    if args.server == "waitress":
        command = [
            sys.executable,
            "-m",
            "waitress",
            f"--listen=127.0.0.1:{args.port}",
            f"--threads={args.readers + 4}",
            "--connection-limit=200",
            "chiso.wsgi:application",
        ]
    elif args.server == "serve":
        command = [sys.executable, "-m", "chiso.cli", "serve", "--port", str(args.port)]
        command += ["--workers", str(args.workers)] if args.workers else []
    else:
        command = [
            sys.executable,
            "-m",
            "chiso.cli",
            "runserver",
            f"127.0.0.1:{args.port}",
            "--noreload",
            "--nostatic",
        ]
    return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def _wait_until_up(base: str, deadline: float) -> None:
    until = min(deadline, time.monotonic() + 300)  # chiso serve compresses the static files first
    while time.monotonic() < until:
        try:
            with urllib.request.urlopen(base + "/api/v1/versions", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit("the server did not answer within 300 s")


def _get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, bytes]:
    try:
        with (opener.open if opener else urllib.request.urlopen)(url, timeout=REQUEST_TIMEOUT) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def _timed(recorder: Recorder, kind: str, call: Any) -> int:
    started = time.perf_counter()
    status = call()
    recorder.add(kind, time.perf_counter() - started, status)
    return status


def _reader(base: str, number: int, paths: tuple[str, ...], recorder: Recorder, stop: threading.Event,
            deadline: float) -> None:
    rng = Random(number)
    while not stop.is_set() and time.monotonic() < deadline:
        path = rng.choice(paths)
        _timed(recorder, "api read" if path.startswith("/api/") else "page", lambda p=path: _get(base + p)[0])


def _writer(
    base: str, token: str, every: float, recorder: Recorder, stop: threading.Event, deadline: float
) -> None:
    user, unit, version = WRITER
    count = 0
    while not stop.is_set() and time.monotonic() < deadline:
        count += 1
        body = json.dumps(
            [
                {
                    "data_element": WRITE_ELEMENT,
                    "unit": unit,
                    "version": version,
                    "period": WRITE_PERIOD,
                    "value": count,
                }
            ]
        ).encode()
        request = urllib.request.Request(
            f"{base}/api/v1/values?reason=kiem+tra+tai",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )

        def post(r: urllib.request.Request = request) -> int:
            try:
                with urllib.request.urlopen(r, timeout=REQUEST_TIMEOUT) as answer:
                    return answer.status
            except urllib.error.HTTPError as error:
                return error.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return 0

        _timed(recorder, "write", post)
        stop.wait(every)


def _logins(base: str, every: float, recorder: Recorder, stop: threading.Event, deadline: float) -> None:
    login = f"{base}/nhap-lieu/dang-nhap/"
    while not stop.is_set() and time.monotonic() < deadline:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())

        def attempt(opener: urllib.request.OpenerDirector = opener) -> int:
            status, page = _get(login, opener)
            if status != 200:
                return status
            found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            form = urllib.parse.urlencode(
                {
                    "username": LOGIN_USER,
                    "password": DEMO_PASSWORD,
                    "csrfmiddlewaretoken": found.group(1).decode() if found else "",
                }
            )
            request = urllib.request.Request(
                login, data=form.encode(), method="POST", headers={"Referer": login}
            )
            status, _ = _get(request, opener)  # type: ignore[arg-type]
            return 200 if status == 302 else status if status >= 500 or status == 0 else 400  # 400: refused

        _timed(recorder, "login", attempt)
        stop.wait(every)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _report(
    args: argparse.Namespace, url: str, samples: list[Sample], imported: dict[str, Any]
) -> dict[str, Any]:
    def stats(kind: str, phase: str) -> dict[str, Any]:
        chosen = [s for s in samples if s.kind == kind and s.phase == phase]
        times = sorted(s.seconds for s in chosen)
        errors = sum(1 for s in chosen if s.status >= 500)
        unanswered = sum(1 for s in chosen if s.status == 0)
        refused = sum(1 for s in chosen if 0 < s.status < 500 and s.status != 200)
        return {
            "count": len(chosen),
            "server_errors": errors,
            "no_answer": unanswered,
            "other_failures": refused,
            "p50_ms": round(statistics.median(times) * 1000) if times else None,
            "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000) if times else None,
            "max_ms": round(times[-1] * 1000) if times else None,
        }

    rows = {
        f"{kind} ({phase})": stats(kind, phase)
        for phase in ("baseline", "import")
        for kind in ("page", "api read", "write", "direct write", "login")
    }
    errors = sum(r["server_errors"] for r in rows.values())
    database = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    figures = f"{args.figures:,}".replace(",", ".")
    lines = [
        f"chiso load — {database}, {_server_words(args)}, {args.readers} readers "
        f"({getattr(args, 'reads', 'all')}); "
        f"import of {figures} changed figures",
        f"{'requests':<26}{'count':>7}{'5xx':>6}{'none':>6}{'refused':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'max ms':>9}",
    ]
    for name, r in rows.items():
        lines.append(
            f"{name:<26}{r['count']:>7}{r['server_errors']:>6}{r['no_answer']:>6}{r['other_failures']:>9}"
            f"{r['p50_ms'] if r['p50_ms'] is not None else '':>9}"
            f"{r['p95_ms'] if r['p95_ms'] is not None else '':>9}"
            f"{r['max_ms'] if r['max_ms'] is not None else '':>9}"
        )
    write_max = max(rows["write (import)"]["max_ms"] or 0, rows["direct write (import)"]["max_ms"] or 0)
    unanswered = sum(r["no_answer"] for r in rows.values())
    lines += [
        f"server errors (5xx) during the whole run: {errors}; requests without an answer in "
        f"{REQUEST_TIMEOUT} s: {unanswered}",
        f"import: {imported.get('changed', '?')} changed, {imported.get('created', '?')} new in "
        f"{imported.get('seconds', '?')} s ("
        + ("in parts" if imported.get("in_parts") else f"preview {imported.get('preview_seconds', '?')} s, commit "
           f"{imported.get('commit_seconds', '?')} s")
        + f"); longest write transaction {imported.get('longest_write_s', '?')} "
        f"s (CPU {imported.get('longest_write_cpu_s', '?')} s) of {imported.get('write_transactions', '?')}; "
        f"peak memory {imported.get('peak_mb', '?')} MB",
        f"goal: 0 server errors, other writers wait ≤ 1 s → "
        f"{'met' if errors == 0 and unanswered == 0 and write_max <= 1000 else 'NOT met'}",
    ]
    return {
        "database": database,
        "server": args.server,
        "readers": args.readers,
        "figures": args.figures,
        "requests": rows,
        "server_errors": errors,
        "import": imported,
        "table": "\n".join(lines),
    }


def _server_words(args: argparse.Namespace) -> str:
    if args.server == "serve":
        from chiso.web.management.commands.serve import default_workers

        return f"chiso serve with {args.workers or default_workers()} workers × 4 threads"
    return f"{args.server} with {args.readers + 4} threads" if args.server == "waitress" else "runserver"


WEIGHED_PAGE = "/chi-tieu/XHS-06/"
ENCODINGS = {"identity": "identity", "gzip": "gzip", "brotli": "gzip, deflate, br"}


def page_weight(base: str, path: str) -> dict[str, int]:
    """Bytes a browser receives for ``path``: its HTML and every stylesheet and script it links, once per
    Accept-Encoding (urllib does not decompress: the length read is the length sent)."""
    _, html = _get(base + path)
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+\.(?:js|css))"', html)
    weights = {}
    for name, accept in ENCODINGS.items():
        total = 0
        for url in [path.encode(), *assets]:
            request = urllib.request.Request(base + url.decode(), headers={"Accept-Encoding": accept})
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as answer:
                total += len(answer.read())
        weights[name] = total
    return weights


def _log(text: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _safe(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return url.replace(f":{parts.password}@", ":***@") if parts.password else url


# -- the children: setup and import (each with its own Django) -------------------------------------------


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    django.setup()


def _setup_phase(folder: Path, figures: int) -> None:
    _django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from chiso.api.auth import create_token
    from chiso.collection import importer
    from chiso.collection.importer import benchmark
    from chiso.demo.builder import build_demo

    call_command("migrate", interactive=False, verbosity=0)
    build_demo()
    units, elements = benchmark._scope()
    levels = benchmark._levels(elements)
    stored, changed = folder / "stored.csv", folder / "gia-tri-moi.csv"
    benchmark._write_csv(stored, units, elements, levels, figures, Random(1))
    benchmark._write_csv(changed, units, elements, levels, figures, Random(2))
    found = importer.preview(stored.name, stored.read_bytes(), acting_user=None, max_bytes=None)
    if found.problems:
        raise SystemExit("; ".join(p.text() for p in found.problems[:5]))
    importer.commit(found, acting_user=None)
    stored.unlink()
    _, token = create_token(get_user_model().objects.get(username=WRITER[0]), "kiểm tra tải")
    (folder / "setup.json").write_text(json.dumps({"token": token, "file": str(changed)}), encoding="utf-8")


def _import_phase(folder: Path) -> None:
    """``chiso import --user admin`` of the changed file, timed; prints one JSON line."""
    _django()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from chiso.collection import importer

    writes: list[tuple[float, float]] = []
    _time_outer_transactions(transaction, writes)
    setup = json.loads((folder / "setup.json").read_text(encoding="utf-8"))
    path = Path(setup["file"])
    user = get_user_model().objects.get(username=IMPORT_USER)
    started = time.perf_counter()
    parted = importer.import_in_parts(path, acting_user=user)  # what `chiso import` does with a large CSV
    if parted is not None:
        if parted.problems or parted.written is None:
            raise SystemExit("; ".join(p.text() for p in parted.problems[:5]))
        result, previewed = parted.written, started
    else:
        found = importer.preview(path.name, path.read_bytes(), acting_user=user, max_bytes=None)
        previewed = time.perf_counter()
        if found.problems:
            raise SystemExit("; ".join(p.text() for p in found.problems[:5]))
        result = importer.commit(found, acting_user=user)
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "created": result.created,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "seconds": round(finished - started, 1),
                "in_parts": parted is not None,
                "preview_seconds": round(previewed - started, 1) if parted is None else None,
                "commit_seconds": round(finished - previewed, 1) if parted is None else None,
                "longest_write_s": round(max(writes)[0], 2) if writes else None,
                "longest_write_cpu_s": round(max(writes)[1], 2) if writes else None,
                "write_transactions": len(writes),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


def _writer_phase(folder: Path, every: float) -> None:
    """Another user's save straight through ``do_set_values`` until the import is over; writes writer.json
    with (phase, seconds, ok) per save."""
    _django()
    from django.contrib.auth import get_user_model

    from chiso.engine.periods import Period
    from chiso.indicators.models import DataElement
    from chiso.units.models import Unit
    from chiso.values.actions import ValueEntry, ValueWriteError, do_set_values
    from chiso.values.models import Channel

    user = get_user_model().objects.get(username=WRITER[0])
    element = DataElement.objects.get(code=WRITE_ELEMENT)
    unit = Unit.objects.get(version__name=WRITER[2], code=WRITER[1])
    period = Period.parse("2089-11")
    samples: list[tuple[str, float, bool]] = []
    count = 0
    until = time.monotonic() + MAX_SECONDS
    while not (folder / "import-finished").exists() and time.monotonic() < until:
        count += 1
        phase = "import" if (folder / "import-started").exists() else "baseline"
        started = time.perf_counter()
        try:
            do_set_values(
                [ValueEntry(element, unit, period, Decimal(count))],
                acting_user=user,
                channel=Channel.API,
                reason="kiểm tra tải",
            )
            ok = True
        except (ValueWriteError, Exception):  # noqa: BLE001 - counted, not raised: the run goes on
            ok = False
        samples.append((phase, time.perf_counter() - started, ok))
        time.sleep(every)
    (folder / "writer.json").write_text(json.dumps(samples), encoding="utf-8")


def _time_outer_transactions(transaction: Any, durations: list[tuple[float, float]]) -> None:
    """Record how long each outermost ``atomic`` block lasts (on SQLite: how long it holds the write lock)."""
    atomic = transaction.Atomic
    enter, leave = atomic.__enter__, atomic.__exit__

    def timed_enter(self: Any) -> None:
        outer = not transaction.get_connection(self.using).in_atomic_block
        enter(self)
        self._load_started = (time.perf_counter(), time.process_time()) if outer else None

    def timed_exit(self: Any, *exc: Any) -> Any:
        try:
            return leave(self, *exc)
        finally:
            if getattr(self, "_load_started", None) is not None:
                wall, cpu = self._load_started
                durations.append((time.perf_counter() - wall, time.process_time() - cpu))

    atomic.__enter__, atomic.__exit__ = timed_enter, timed_exit


if __name__ == "__main__":
    main()
