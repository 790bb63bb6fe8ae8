"""Measuring the reader against a gold set: precision and recall.

A gold CSV has one row per expected figure (``sentence_id, sentence, value, qualifier, of_total, kind,
period, unit_code, data_element``); a sentence with no figure has one row with an empty value. Each sentence
is read on its own (``read_text``) and a proposal is right when value, qualifier, of_total, kind, period,
unit_code and data_element all equal those of a gold row of its sentence not already matched (empty cell =
none). Precision = right / proposed, recall = right / expected.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from chiso.engine.numbers import format_number
from chiso.extraction.reading import ExtractionError, Proposal
from chiso.extraction.resolve import Reader
from chiso.units.models import Unit

MATCHED_FIELDS = ("value", "qualifier", "of_total", "kind", "period", "unit_code", "data_element")
Key = tuple[Decimal, str, Decimal | None, str, str, str, str]


@dataclass
class Evaluation:
    sentences: int = 0
    expected: int = 0
    proposed: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)  # what was expected and not read, and what was read wrongly

    @property
    def precision(self) -> Decimal:
        return Decimal(self.right) / self.proposed if self.proposed else Decimal(1)

    @property
    def recall(self) -> Decimal:
        return Decimal(self.right) / self.expected if self.expected else Decimal(1)


def _decimal(text: str, where: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation as error:
        raise ExtractionError(f"{where}: '{text}' không phải là số (viết dạng 166039 hoặc 91.5).") from error


def proposal_key(proposal: Proposal) -> Key:
    return (
        proposal.value.normalize(),
        proposal.qualifier,
        None if proposal.of_total is None else proposal.of_total.normalize(),
        proposal.kind,
        proposal.period or "",
        proposal.unit_code or "",
        proposal.data_element or "",
    )


def describe(key: Key) -> str:
    """A gold row or a proposal in one line: "1.200 exact of_total=– kind=actual period=– unit=491 element=CBCC"."""
    value, qualifier, total, kind, period, unit_code, element = key
    shown_total = format_number(total)
    return (
        f"{format_number(value)} {qualifier} of_total={shown_total} kind={kind} period={period or '–'} "
        f"unit_code={unit_code or '–'} data_element={element or '–'}"
    )


def load_gold(path: Path) -> dict[str, tuple[str, list[Key]]]:
    """Sentence id -> (sentence, expected keys), in file order."""
    gold: dict[str, tuple[str, list[Key]]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"sentence_id", "sentence", *MATCHED_FIELDS} - set(reader.fieldnames or [])
        if missing:
            raise ExtractionError(f"Tệp {path.name}: thiếu cột {', '.join(sorted(missing))}.")
        for line, row in enumerate(reader, start=2):
            where = f"Tệp {path.name}, dòng {line}"
            sentence, keys = gold.setdefault(row["sentence_id"], (row["sentence"], []))
            value = _decimal(row["value"], where)
            if value is None:
                continue
            total = _decimal(row["of_total"], where)
            keys.append(
                (
                    value.normalize(),
                    row["qualifier"].strip() or "exact",
                    None if total is None else total.normalize(),
                    row["kind"].strip() or "actual",
                    row["period"].strip(),
                    row["unit_code"].strip(),
                    row["data_element"].strip(),
                )
            )
    return gold


def evaluate(path: Path, *, on: date | None = None, main_unit: Unit | None = None) -> Evaluation:
    result = Evaluation()
    reader = Reader()
    for sentence_id, (sentence, expected) in load_gold(path).items():
        result.sentences += 1
        result.expected += len(expected)
        left = list(expected)
        proposals = reader.propose(sentence, on=on, main_unit=main_unit)
        result.proposed += len(proposals)
        for proposal in proposals:
            key = proposal_key(proposal)
            if key in left:
                left.remove(key)
                result.right += 1
            else:
                result.misses.append(f"câu {sentence_id}: đọc được nhưng không khớp: {describe(key)}")
        result.misses += [f"câu {sentence_id}: không đọc được: {describe(key)}" for key in left]
    return result
