"""``chiso index score DEFINITION.csv --grades GRADES.csv --inputs INPUTS.csv [--sensitivity N --seed S]
[--json OUT]``: try a ranking method on a table of inputs, without a database. Prints the ranking table; the
JSON holds every unit's total, value, rank, grade, points per component, missing inputs and rank band."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.csvfiles import LoadError
from chiso.engine.scoring import RuleError, describe, score_units
from chiso.ranking.files import read_index, read_inputs, scored_json

MAX_RUNS = 10_000


class Command(BaseCommand):
    help = "Bộ chỉ số đánh giá, xếp hạng: chấm điểm thử một phương pháp trên bảng số liệu (không cần CSDL)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        score = sub.add_parser("score", help="Chấm điểm, xếp hạng và xếp loại các đơn vị theo tệp phương pháp")
        score.add_argument("definition", type=Path, help="Tệp phương pháp: code,parent,name,max_points,rule,"
                                                         "params,source,applies_to")
        score.add_argument("--grades", type=Path, help="Tệp xếp loại: grade,min_score")
        score.add_argument("--inputs", type=Path, required=True,
                           help="Tệp số liệu: unit,component,value[,denominator][,unit_type]")
        score.add_argument("--sensitivity", type=int, default=0,
                           help="Số lần chạy thử với trọng số ±25%% và cách cộng khác (0: không)")
        score.add_argument("--seed", type=int, default=0, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng kết quả)")
        score.add_argument("--json", type=Path, help="Ghi kết quả JSON vào tệp này")

    def handle(self, *args: object, **options: object) -> None:
        runs = int(options["sensitivity"])  # type: ignore[call-overload]
        if not 0 <= runs <= MAX_RUNS:
            raise CommandError(f"--sensitivity phải từ 0 đến {MAX_RUNS:,}".replace(",", ".") + f", không phải {runs}.")
        try:
            index = read_index(options["definition"], options["grades"])  # type: ignore[arg-type]
            inputs, types = read_inputs(options["inputs"])  # type: ignore[arg-type]
            scored = score_units(index, inputs, types, sensitivity=runs, seed=int(options["seed"]))  # type: ignore[call-overload]
        except LoadError as error:
            raise CommandError(f"Không chấm điểm ({len(error.problems)} lỗi):\n" + "\n".join(error.problems)) from None
        except RuleError as error:
            raise CommandError(f"Không chấm điểm: {error}") from None
        self.stdout.write(f"{'Hạng':>4}  {'Đơn vị':<28} {'Điểm':>9}  {'Tỷ lệ':>7}  {'Xếp loại':<14} "
                          f"{'Khoảng' if runs else ''}")
        for score in scored.scores:
            self.stdout.write(describe(score))
        if runs:
            self.stdout.write(f"Khoảng hạng: phân vị 5–95 của {runs} lần chạy thử (trọng số ±25%, cộng hoặc nhân).")
        if options["json"]:
            path = options["json"]
            assert isinstance(path, Path)
            path.write_text(json.dumps(scored_json(scored), ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(f"Đã ghi {path}.")
