from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from chiso.bench.environment import MARKER
from chiso.bench.generate import DEFAULT_MONTHS, SIZES, build
from chiso.bench.measure import database_label, format_table, machine_label, measure, scope_for


class Command(BaseCommand):
    help = ("Analytics benchmark: builds seeded, labelled synthetic data (S: Đà Nẵng, M: the whole country, "
            "L: M + 30 tổ dân phố per commune) in its own database, times the query engine against DuckDB "
            "and pandas on the same raw values, and prints the table with goals.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="S", help="S, M or L (default S)")
        parser.add_argument("--json", metavar="FILE", help="Also write the table as JSON to FILE")
        parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite",
                            help="sqlite: a fresh file in a temporary folder (default); postgres: the "
                                 "database chiso_bench on the server of CHISO_TEST_POSTGRES_URL, dropped and "
                                 "created")
        parser.add_argument("--database-url", default="",
                            help="The benchmark database's URL; its name must contain 'bench' (emptied)")
        parser.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                            help=f"Months of data up to 2025-12 (default {DEFAULT_MONTHS})")
        parser.add_argument("--repeats", type=int, default=20, help="Timed runs per query (default 20)")
        parser.add_argument("--budget", type=float, default=60.0,
                            help="Seconds per query kind after which no more runs start (at least 5 runs; "
                                 "default 60)")
        parser.add_argument("--keep", action="store_true", help="Keep the temporary SQLite folder")
        parser.add_argument("--import-rows", type=int, default=0,
                            help="Then the import benchmark (issue 3): import N values from a generated CSV "
                                 "through the importer and do_set_values, beside a bare bulk insert (default 0: "
                                 "skip; make bench uses 1000000)")

    def handle(self, *args: object, **options: object) -> None:
        if not os.environ.get(MARKER) or os.environ.get(MARKER) != os.environ.get("CHISO_DATABASE_URL"):
            self._run_on_own_database(options)
            return
        size = SIZES[str(options["size"])]
        months = int(options["months"])  # type: ignore[call-overload]
        if not 12 <= months <= 120:
            raise CommandError("--months: between 12 and 120.")
        folder = Path(settings.DATA_DIR)
        log = self.stdout.write
        log(f"Benchmark database: {_safe(os.environ['CHISO_DATABASE_URL'])}")
        call_command("migrate", interactive=False, verbosity=0)
        log(f"Building size {size.name} ({size.label}), {months} months…")
        started = time.perf_counter()
        built = build(size, months, folder / "reference", log)
        build_seconds = time.perf_counter() - started
        log(f"  built in {build_seconds:.0f} s; measuring…")
        scope = scope_for(built.root, built.months)
        outcome = measure(scope, repeats=int(options["repeats"]), budget=float(options["budget"]),  # type: ignore[call-overload, arg-type]
                          log=log)
        runs = outcome.samples
        header = [
            f"chiso bench — size {size.name}: {size.label}",
            f"{database_label()}; {machine_label()}",
            f"{built.communes:,} communes + {built.groups:,} tổ dân phố; {built.elements} data elements × "
            f"{len(built.months)} months ({built.months[0]}–{built.months[-1]}) = {built.values:,} values, "
            f"illustrative, bulk-loaded in {build_seconds:.0f} s without history rows (roll-ups rebuilt from them in "
            f"{built.seconds.get('totals', 0):.1f} s)",
            f"runs per query: {runs.get('dash', 0)} dashboard, {runs.get('cross', 0)} cross-commune, "
            f"{runs.get('total', 0)} aggregate, {runs.get('save', 0)} saves (after one warm-up each)",
            "goals are set for size M on PostgreSQL",
        ]
        if months != DEFAULT_MONTHS:
            header.append(f"REDUCED: {months} months instead of {DEFAULT_MONTHS}")
        self.stdout.write("\n" + format_table(header, outcome.metrics))
        for line in outcome.mismatches[:20]:
            self.stdout.write(f"  mismatch: {line}")
        rows = [m.as_dict() for m in outcome.metrics]
        if int(options["import_rows"]):  # type: ignore[call-overload]
            from chiso.collection.importer.benchmark import format_rows
            from chiso.collection.importer.benchmark import run as run_import

            log(f"Import benchmark: {int(options['import_rows']):,} values…")  # type: ignore[call-overload]
            imported = run_import(database_label(), int(options["import_rows"]))  # type: ignore[call-overload]
            self.stdout.write("\n" + format_rows(imported))
            rows += imported
        if options["json"]:
            Path(str(options["json"])).write_text(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n",
                                                  encoding="utf-8")
        connection.close()
        if connection.vendor == "sqlite" and not options["keep"]:
            shutil.rmtree(folder, ignore_errors=True)
        elif connection.vendor == "sqlite":
            log(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    def _run_on_own_database(self, options: dict[str, object]) -> None:
        """Started without ``chiso bench``'s preparation: run again in a process on the bench database."""
        argv = ["bench", "--size", str(options["size"]), "--database", str(options["database"]),
                "--months", str(options["months"]), "--repeats", str(options["repeats"]),
                "--budget", str(options["budget"]), "--import-rows", str(options["import_rows"])]
        if options["database_url"]:
            argv += ["--database-url", str(options["database_url"])]
        if options["json"]:
            argv += ["--json", str(Path(str(options["json"])).resolve())]
        if options["keep"]:
            argv.append("--keep")
        completed = subprocess.run([sys.executable, "-m", "chiso.cli", *argv], check=False)
        if completed.returncode:
            raise CommandError(f"the benchmark stopped (exit code {completed.returncode}).")


def _safe(url: str) -> str:
    """The URL without a password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
