"""What went wrong in an imported file, and where: file, sheet, row, column, in Vietnamese and English."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS = 1000  # a file of a million bad rows shows the first thousand faults and a count of the rest


@dataclass(frozen=True)
class ImportProblem:
    """One fault (or warning) in a file. ``row`` is the row number a spreadsheet shows (first row = 1);
    ``column`` the column letter (A, B, …); ``field`` the column's header as written in the file."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    field: str | None
    message_vi: str
    message_en: str

    def where(self, lang: str = "vi") -> str:
        vi = lang != "en"
        parts = [self.file]
        if self.sheet:
            parts.append(f"trang '{self.sheet}'" if vi else f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"dòng {self.row}" if vi else f"row {self.row}")
        if self.column:
            label = f"cột {self.column}" if vi else f"column {self.column}"
            parts.append(f"{label} ({self.field})" if self.field else label)
        elif self.field:
            parts.append(f"cột '{self.field}'" if vi else f"column '{self.field}'")
        return ", ".join(parts)

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def text(self, lang: str = "vi") -> str:
        """``tệp.csv, dòng 5, cột D (Giá trị): …`` in the language asked for."""
        return f"{self.where(lang)}: {self.message(lang)}"

    def __str__(self) -> str:
        return self.text("vi")


class ImportRefused(Exception):
    """Nothing was written: the file has faults. ``problems`` holds them, each with its place."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(p.text("vi") for p in problems))


class Problems:
    """Collects faults of one file, keeping the first ``MAX_PROBLEMS`` and counting the rest."""

    def __init__(self, file: str, limit: int = MAX_PROBLEMS):
        self.file = file
        self.limit = limit
        self.items: list[ImportProblem] = []
        self.dropped = 0

    def add(self, vi: str, en: str, *, sheet: str | None = None, row: int | None = None,
            column: str | None = None, field: str | None = None) -> None:
        if len(self.items) >= self.limit:
            self.dropped += 1
            return
        self.items.append(ImportProblem(self.file, sheet, row, column, field, vi, en))

    @property
    def full(self) -> bool:
        """Whether the next problem is only counted (the first ``limit`` are kept)."""
        return len(self.items) >= self.limit

    def count(self) -> None:
        """One more problem, counted only (``full``): a caller need not word it."""
        self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items) + self.dropped

    def final(self) -> list[ImportProblem]:
        if not self.dropped:
            return list(self.items)
        more = ImportProblem(self.file, None, None, None, None,
                             f"… và {self.dropped} lỗi khác (chỉ hiện {self.limit} lỗi đầu tiên).",
                             f"… and {self.dropped} more (only the first {self.limit} are shown).")
        return [*self.items, more]
