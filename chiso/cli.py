"""The ``chiso`` command: Django's management commands plus the project's own.

    chiso demo [--fresh] [--no-serve] [--port N] [--data-dir DIR]   the Đà Nẵng demo (reused), served
    chiso bench [--size S|M|L] [--database sqlite|postgres] [--json FILE]   the analytics benchmark
    chiso bench --load [--database sqlite|URL] [--readers N]   the load benchmark (chiso serve, 50 clients)
    chiso units load [--units F] [--successions F] [--versions F] [--no-national]
    chiso indicators load [--pillars F] [--data-elements F] [--indicators F ...]
    chiso plans import FILE --user U                      import a plan spreadsheet (all rows or none)
    chiso index score DEF.csv --inputs IN.csv [--grades G.csv] [--sensitivity N]   try a ranking method
    chiso criteria check SET.csv --inputs IN.csv          which units a criteria set certifies
    chiso registers carry --version V --user U | import FILE --user U   registers after a reorganisation; XLSX
    chiso migrate | runserver | createsuperuser | …      any Django management command
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def prepare_demo_environment(argv: list[str]) -> None:
    """Point the settings at the demo's SQLite file in its data folder (before Django starts): the one built
    before, unless ``--fresh`` or its build never finished (``chiso.demo.database`` decides)."""
    from chiso import conf
    from chiso.demo.database import DEMO_DB, Plan, decide, forget

    data_dir = None
    for i, arg in enumerate(argv):
        if arg == "--data-dir" and i + 1 < len(argv):
            data_dir = argv[i + 1]
        elif arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
    folder = Path(os.path.expanduser(data_dir or os.path.join(conf.env_str("CHISO_DATA_DIR"), "demo"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    database = decide(folder / DEMO_DB, fresh="--fresh" in argv)
    if database.plan is not Plan.REUSE:
        forget(folder / DEMO_DB)
    print(database.message)
    os.environ["CHISO_DATA_DIR"] = str(folder)
    os.environ["CHISO_DATABASE_URL"] = f"sqlite:///{folder / DEMO_DB}"


def prepare_bench(argv: list[str]) -> None:
    """Point the settings at the benchmark's own, emptied database (never the user's)."""
    from chiso.bench.environment import BenchEnvironmentError, prepare_bench_environment

    try:
        prepare_bench_environment(argv)
    except BenchEnvironmentError as error:
        sys.exit(f"chiso bench: {error}")


LOAD_DEFAULTS = {"--server": "serve", "--readers": "50", "--baseline": "60", "--write-every": "2"}


def run_load_bench(argv: list[str]) -> None:
    """``chiso bench --load``: the load benchmark of issue 13 (``chiso serve`` on the demo, 50 clients, 60 s alone
    then during an import of 200.000 figures while another client saves a figure every 2 s); any option of
    ``python -m chiso.bench.load`` overrides these."""
    from chiso.bench.load import main as load

    given = {a.split("=", 1)[0] for a in argv if a.startswith("--")}
    defaults = [x for option, value in LOAD_DEFAULTS.items() if option not in given for x in (option, value)]
    load([*defaults, *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["demo"] and not any(a in ("-h", "--help") for a in argv):
        prepare_demo_environment(argv)
    if argv[:1] == ["bench"] and "--load" in argv:
        run_load_bench([a for a in argv[1:] if a != "--load"])
        return
    if argv[:1] == ["bench"] and not any(a in ("-h", "--help") for a in argv):
        prepare_bench(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chiso", *argv])


if __name__ == "__main__":
    main()
