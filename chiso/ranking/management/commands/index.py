"""``chiso index score DEFINITION.csv --grades GRADES.csv --inputs INPUTS.csv [--sensitivity N --seed S]
[--json OUT]``: try a ranking method on a table of inputs, without a database. Prints the ranking table; the
JSON holds every unit's total, value, rank, grade, points per component, missing inputs and rank band.

``chiso index load CODE FILE [--grades G] --name NAME --user USERNAME [--kind index|criteria] [--illustrative]
[--reason R]``: load a method file (CSV or XLSX) as the next version of method CODE through
``ranking.methods.do_load_method`` (an unchanged file makes no new version); ``chiso index export CODE
[--version N] --out FILE.csv|FILE.xlsx``: write a stored version back as a file that loads again."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
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
        load = sub.add_parser("load", help="Nạp tệp phương pháp (CSV hoặc XLSX) thành phiên bản mới trong CSDL")
        load.add_argument("code", help="Mã phương pháp, ví dụ danang-2386")
        load.add_argument("file", type=Path, help="Tệp phương pháp: CSV, hoặc XLSX (trang đầu; xếp loại ở trang "
                                                  "xep-loai)")
        load.add_argument("--grades", type=Path, help="Tệp xếp loại: grade,min_score")
        load.add_argument("--name", required=True, help="Tên phương pháp")
        load.add_argument("--user", required=True, help="Nạp với quyền của người dùng này (quản trị cấp thành phố)")
        load.add_argument("--kind", choices=["index", "criteria"], default="index",
                          help="index: bộ chỉ số xếp hạng (mặc định); criteria: bộ tiêu chí công nhận")
        load.add_argument("--illustrative", action="store_true",
                          help="Điểm hoặc quy tắc không công bố: ghi là minh họa")
        load.add_argument("--reason", default="", help="Lý do thay đổi so với phiên bản trước")
        load.add_argument("--legal-basis", default="", help="Căn cứ (số quyết định)")
        load.add_argument("--note", default="", help="Ghi chú: nguồn, mức độ chắc chắn")
        export = sub.add_parser("export", help="Xuất một phiên bản phương pháp ra tệp CSV hoặc XLSX nạp lại được")
        export.add_argument("code", help="Mã phương pháp")
        export.add_argument("--version", type=int, help="Phiên bản (mặc định: mới nhất)")
        export.add_argument("--out", type=Path, required=True,
                            help="Tệp ghi ra: .xlsx (xếp loại ở trang xep-loai) hoặc .csv (xếp loại ở tệp "
                                 "<tên>-xep-loai.csv bên cạnh)")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "load":
            self._load(options)
        elif options["action"] == "export":
            self._export(options)
        else:
            self._score(options)

    def _load(self, options: dict[str, object]) -> None:
        from chiso.ranking.methods import MethodError, do_load_method, latest

        username = str(options["user"]).strip()
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None
        code = str(options["code"])
        before = latest(code)
        try:
            method = do_load_method(
                code, options["file"], acting_user=user, name=str(options["name"]),  # type: ignore[arg-type]
                kind=str(options["kind"]), grades=options["grades"],  # type: ignore[arg-type]
                legal_basis=str(options["legal_basis"]), note=str(options["note"]),
                is_illustrative=bool(options["illustrative"]), reason=str(options["reason"]))
        except MethodError as error:
            raise CommandError(f"Không nạp, chưa ghi gì ({len(error.problems)} lỗi):\n"
                               + "\n".join(error.problems)) from None
        sizes = f"{method.components.count()} thành phần, {method.grades.count()} xếp loại"
        if before is not None and before.pk == method.pk:
            self.stdout.write(f"Không có thay đổi: '{code}' vẫn là phiên bản {method.version} ({sizes}).")
        else:
            self.stdout.write(f"Đã nạp '{code}' phiên bản {method.version} ({sizes}).")

    def _export(self, options: dict[str, object]) -> None:
        from chiso.ranking.methods import export_csv, export_xlsx
        from chiso.ranking.models import Method

        code, version, out = str(options["code"]), options["version"], options["out"]
        assert isinstance(out, Path) and (version is None or isinstance(version, int))
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"--out {out.name}: chọn tệp .csv hoặc .xlsx.")
        found = Method.objects.filter(code=code)
        method = found.filter(version=version).first() if version is not None else found.order_by("-version").first()
        if method is None:
            which = f" phiên bản {version}" if version is not None else ""
            raise CommandError(f"Không có phương pháp '{code}'{which}. Xem các phương pháp ở /api/v1/rankings/methods.")
        if out.suffix.lower() == ".xlsx":
            out.write_bytes(export_xlsx(method))
            self.stdout.write(f"Đã ghi {out} ('{code}' phiên bản {method.version}).")
            return
        text, grades = export_csv(method)
        out.write_text(text, encoding="utf-8")
        self.stdout.write(f"Đã ghi {out} ('{code}' phiên bản {method.version}).")
        if grades is not None:
            bands = out.with_name(f"{out.stem}-xep-loai.csv")
            bands.write_text(grades, encoding="utf-8")
            self.stdout.write(f"Đã ghi {bands} (xếp loại; nạp lại với --grades {bands.name}).")

    def _score(self, options: dict[str, object]) -> None:
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
