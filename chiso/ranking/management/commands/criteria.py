"""``chiso criteria check SET.csv --inputs INPUTS.csv [--json OUT]``: which units a criteria set certifies
("Khu dân cư công nghệ số"), without a database."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.csvfiles import LoadError
from chiso.engine.criteria import assess
from chiso.ranking.files import read_criteria, read_inputs


class Command(BaseCommand):
    help = "Bộ tiêu chí công nhận: kiểm tra đơn vị nào đạt (không cần CSDL)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        check = sub.add_parser("check", help="Kiểm tra các đơn vị theo một bộ tiêu chí")
        check.add_argument("set", type=Path, help="Tệp bộ tiêu chí: code,name,kind,rule,params,source")
        check.add_argument("--inputs", type=Path, required=True, help="Tệp số liệu: unit,component,value")
        check.add_argument("--json", type=Path, help="Ghi kết quả JSON vào tệp này")

    def handle(self, *args: object, **options: object) -> None:
        try:
            criteria_set = read_criteria(options["set"])  # type: ignore[arg-type]
            inputs, _ = read_inputs(options["inputs"])  # type: ignore[arg-type]
        except LoadError as error:
            raise CommandError(f"Không kiểm tra ({len(error.problems)} lỗi):\n" + "\n".join(error.problems)) from None
        total = len(criteria_set.criteria)
        units = []
        for unit, given in inputs.items():
            found = assess(criteria_set, {code: g.value for code, g in given.items()})
            units.append({"unit": unit, "certified": found.certified, "passed": found.passed,
                          "failed": found.failed, "missing": found.missing})
            verdict = "ĐẠT" if found.certified else "chưa đạt"
            detail = "; ".join(part for part in (
                f"không đạt {', '.join(found.failed)}" if found.failed else "",
                f"thiếu số liệu {', '.join(found.missing)}" if found.missing else "") if part)
            self.stdout.write(f"{unit:<30} {len(found.passed)}/{total} tiêu chí  {verdict}"
                              + (f"  ({detail})" if detail else ""))
        if options["json"]:
            path = options["json"]
            assert isinstance(path, Path)
            path.write_text(json.dumps({"units": units}, ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(f"Đã ghi {path}.")
