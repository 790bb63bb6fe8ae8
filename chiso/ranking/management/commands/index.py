"""``chiso index score DEFINITION.csv --grades GRADES.csv --inputs INPUTS.csv [--sensitivity N --seed S]
[--json OUT]``: try a ranking method on a table of inputs, without a database. Prints the ranking table; the
JSON holds every unit's total, value, rank, grade, points per component, missing inputs and rank band."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.csvfiles import LoadError
from chiso.engine.numbers import format_number
from chiso.engine.scoring import RuleError, Score, score_units, split_change
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
        score.add_argument("--previous-definition", type=Path,
                           help="Phương pháp năm trước: tách thay đổi do số liệu và do phương pháp")
        score.add_argument("--previous-inputs", type=Path, help="Số liệu năm trước (cùng dạng --inputs)")

    def handle(self, *args: object, **options: object) -> None:
        runs = int(options["sensitivity"])  # type: ignore[call-overload]
        if not 0 <= runs <= MAX_RUNS:
            raise CommandError(f"--sensitivity phải từ 0 đến {MAX_RUNS:,}".replace(",", ".") + f", không phải {runs}.")
        if (options["previous_definition"] is None) != (options["previous_inputs"] is None):
            raise CommandError("Cần cả --previous-definition và --previous-inputs để so với năm trước.")
        try:
            index = read_index(options["definition"], options["grades"])  # type: ignore[arg-type]
            inputs, types = read_inputs(options["inputs"])  # type: ignore[arg-type]
            scored = score_units(index, inputs, types, sensitivity=runs, seed=int(options["seed"]))  # type: ignore[call-overload]
            changes = {}
            if options["previous_definition"] is not None:
                before = read_index(options["previous_definition"])  # type: ignore[arg-type]
                earlier, earlier_types = read_inputs(options["previous_inputs"])  # type: ignore[arg-type]
                kinds = {**earlier_types, **types}
                changes = {unit: split_change(unit, (before, earlier), (index, inputs), kinds)
                           for unit in inputs if unit in earlier}
        except LoadError as error:
            raise CommandError(f"Không chấm điểm ({len(error.problems)} lỗi):\n" + "\n".join(error.problems)) from None
        except RuleError as error:
            raise CommandError(f"Không chấm điểm: {error}") from None
        self.stdout.write(f"{'Hạng':>4}  {'Đơn vị':<28} {'Điểm':>9}  {'Tỷ lệ':>7}  {'Xếp loại':<14} "
                          f"{'Khoảng' if runs else ''}")
        for score in scored.scores:
            line = describe(score)
            change = changes.get(score.unit)
            if change is not None:
                moved, figures, method = (format_number(n, 2) for n in (
                    change.after - change.before, change.from_figures, change.from_method))
                line += f"  (so với năm trước {moved}: số liệu {figures}, phương pháp {method})"
            self.stdout.write(line)
        if runs:
            self.stdout.write(f"Khoảng hạng: phân vị 5–95 của {runs} lần chạy thử (trọng số ±25%, cộng hoặc nhân).")
        if options["json"]:
            path = options["json"]
            assert isinstance(path, Path)
            path.write_text(json.dumps(scored_json(index, scored, changes), ensure_ascii=False, indent=2),
                            encoding="utf-8")
            self.stdout.write(f"Đã ghi {path}.")


def describe(score: Score) -> str:
    """One line of the ranking table, in Vietnamese."""
    band = f"{score.rank_band[0]}–{score.rank_band[1]}" if score.rank_band[0] != score.rank_band[1] else ""
    return (f"{score.rank:>3}  {score.unit:<28} {format_number(score.total, 2):>9}  "
            f"{format_number(score.value * 100, 1):>6}%  {score.grade:<14} {band:<7} "
            f"{'thiếu ' + ', '.join(score.missing) if score.missing else ''}").rstrip()
