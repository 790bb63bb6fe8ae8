"""Reading the reference CSV files with errors that name file, row and column."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class LoadError(Exception):
    """A file could not be loaded; nothing was changed. ``problems`` holds one line per fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Row:
    """One data row; ``line`` is the line number a spreadsheet shows (header = 1)."""

    file: str
    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def fail(self, column: str, message: str) -> None:
        self.problems.append(f"{self.file}, dòng {self.line}, cột '{column}': {message}")

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value:
            self.fail(column, "bắt buộc nhưng đang để trống. Điền giá trị rồi nạp lại.")
        return value

    def number(self, column: str) -> float | None:
        value = self.get(column)
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            self.fail(column, f"'{value}' không phải là số (dùng dấu chấm thập phân, ví dụ 16.0544).")
            return None

    def one_of(self, column: str, allowed: list[str] | tuple[str, ...]) -> str:
        value = self.required(column)
        if value and value not in allowed:
            self.fail(column, f"'{value}' không hợp lệ; giá trị cho phép: {', '.join(allowed)}.")
        return value


def read_rows(path: Path, required_columns: list[str]) -> Iterator[Row]:
    """Rows of a UTF-8 CSV (BOM allowed); a missing column or undecodable file raises LoadError."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LoadError([f"{path}: không tìm thấy tệp."]) from None
    except UnicodeDecodeError as error:
        raise LoadError([f"{name}: tệp không phải UTF-8 (byte {error.start}). Lưu lại tệp dạng CSV UTF-8."]) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in required_columns if c not in (reader.fieldnames or [])]
    if missing:
        raise LoadError([f"{name}, dòng 1: thiếu cột {', '.join(repr(c) for c in missing)}."])
    for index, values in enumerate(reader, start=2):
        if None in values:
            row = Row(name, index, {})
            row.fail(str(len(reader.fieldnames or [])), "dòng có nhiều cột hơn tiêu đề (kiểm tra dấu phẩy, ngoặc kép).")
            yield row
            continue
        yield Row(name, index, values)
