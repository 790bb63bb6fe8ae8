"""Reading figures out of Vietnamese prose: the part that needs no database.

``find_figures(text, on=None)`` returns the figures of a text in reading order: the value (Vietnamese
numbers: ``166.039`` = 166039, ``91,5%``, ``06`` = 6), its qualifier, the total of an "x/y", what is
counted (the phrase around the number), the period the sentence names, and whether it is an actual figure,
a target or a count of a plan's targets. Units and catalogue elements are matched later, against the
database (``chiso.extraction``).

>>> [(str(f.value), f.qualifier, f.kind) for f in find_figures("Quận đã tổ chức gần 25 chương trình.")]
[('25', 'approximate', 'actual')]
>>> f = find_figures("Có 12/12 chợ thực hiện thanh toán không dùng tiền mặt.")[0]
>>> (str(f.value), str(f.of_total), f.measure)
('12', '12', 'chợ thực hiện thanh toán không dùng tiền mặt')
>>> [(str(f.value), f.period, f.kind) for f in find_figures(
...     "Tính đến 01/12/2022 đạt tỉ lệ 91% (vượt xa chỉ tiêu 65%).")]
[('91', '2022-12-01', 'actual'), ('65', '2022-12-01', 'target')]
>>> for f in find_figures("Quận đặt 28 chỉ tiêu: 13 xã hội số, 11 chính quyền số và 4 kinh tế số."):
...     print(f.value, f.kind, f.measure)
28 plan_count chỉ tiêu
13 plan_count xã hội số
11 plan_count chính quyền số
4 plan_count kinh tế số
>>> find_figures("Theo Quyết định số 1936/QĐ-UBND, năm 2023 quận 6 năm liền đạt giải lần thứ 3, gọi 0236.3821.234.")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from chiso.engine.numbers import NumberFormatError, parse_vn_number

__all__ = ["RawFigure", "find_figures", "sentence_spans"]

_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUMBER_RE = re.compile(rf"(?<![\w.,/])(?:{_NUMBER})(?!\w|[.,]\d)")
_WORD = r"[^\W\d_]+"

# Spans that hold digits but no figure; each is masked before numbers are looked for.
_NOT_FIGURES = [
    re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}\b"),  # dates 01/12/2022
    re.compile(r"(?i)\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"),  # ngày 5 tháng 3 năm 2023
    re.compile(r"(?i)\btháng\s+\d{1,2}(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?"),  # tháng 12/2022, tháng 3
    re.compile(r"(?i)\bquý\s+(?:\d|I{1,3}|IV)(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?"),
    re.compile(r"(?<![\d.,])\b(?:19|20)\d{2}\b(?:\s*[-–]\s*(?:19|20)\d{2}\b)?"),  # years, 2021-2025
    re.compile(r"\b\d+(?:[.\-]\d+)*\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][\w\-Đ]*"),  # 1936/QĐ-UBND, 12/2023/NĐ-CP
    re.compile(
        r"(?i)\b(?:quyết định|kế hoạch|công văn|nghị quyết|nghị định|thông tư|chỉ thị|báo cáo|thông báo|"
        r"luật|QĐ|KH|CV|NQ)\s+(?:số\s+)?\d+"
    ),
    re.compile(r"(?i)\b(?:lần|thứ|hạng|điều|khoản|mục|chương|phần|giai đoạn|khóa|tầng|kỳ|mức|cấp độ)\s+(?:thứ\s+)?\d+"),
    re.compile(r"(?i:tại|địa chỉ|số nhà)\s+\d+[A-Za-z]?(?:/\d+)*\s+(?=[A-ZĐ])"),  # addresses: tại 22 Lý Thường Kiệt
    re.compile(r"(?i)\b\d+\s+(?:năm|lần|kỳ|tháng)\s+(?:liền|liên tiếp|liên tục)"),  # 6 năm liền
    re.compile(r"(?i)\b\d+\s+tháng\s+(?:đầu|cuối)\s+năm"),  # 6 tháng đầu năm
    re.compile(r"\(?\b0\d{2,3}\)?[\s.]?\d{3,4}[\s.]?\d{3,4}\b"),  # phone numbers 0236.3821.234, 0905 123 456
    re.compile(r"(?i)\b(?:điện thoại|đường dây nóng|hotline|tổng đài|SĐT|ĐT|fax)\s*:?\s*[\d\s.()]+\d"),
    re.compile(r"(?i)\b(?:tổ dân phố|tổ|khu dân cư|KDC|thôn|khối)\s+(?:số\s+)?\d+\b"),  # KDC số 5
    re.compile(r"(?i)\b(?:phường|quận)\s+\d+\b"),
    re.compile(r"\b\d+\s*[hg]\s*\d*\b|\b\d+\s*giờ\b"),  # 7h30, 8 giờ
    re.compile(r"(?i)\b\d+(?:[.,]\d+)?\s*(?:G|4G|5G)\b|\b[45]G\b"),
]

_QUALIFIERS = [  # longest first: "không dưới" before "dưới"
    ("không vượt quá", "at_most"),
    ("không quá", "at_most"),
    ("chưa đến", "at_most"),
    ("chưa tới", "at_most"),
    ("tối đa", "at_most"),
    ("dưới", "at_most"),
    ("không dưới", "at_least"),
    ("ít nhất", "at_least"),
    ("tối thiểu", "at_least"),
    ("hơn", "at_least"),
    ("trên", "at_least"),
    ("xấp xỉ", "approximate"),
    ("khoảng", "approximate"),
    ("gần", "approximate"),
    ("ước đạt", "approximate"),
    ("ước tính", "approximate"),
    ("ước", "approximate"),
]

_TARGET_LOCAL = re.compile(r"(?i)\bchỉ tiêu\b")
_TARGET_SENTENCE = re.compile(r"(?i)\b(?:phấn đấu|mục tiêu|đặt mục tiêu|kế hoạch đề ra|định hướng đến)\b")
_PLAN_HEAD = re.compile(r"^\s*(?:nhóm\s+)?chỉ tiêu\b", re.IGNORECASE)
_STOP = re.compile(
    r"(?i)\s*(?:[,;:()\[\]]|\.(?!\d)|\bvà\b|\bvới\b|\btrong đó\b|\bđạt\b|\bchiếm\b|\btrên tổng\b|\bso với\b|"
    r"\btăng\b|\bgiảm\b|\bvượt\b|\btừ\b|\btại\b|\bcủa\b|\bnăm\b|\btính đến\b|\bđến\b)"
)
_MEASURE_BEFORE_STOP = re.compile(r"(?i)[,;:()]|\bvà\b|\bđã\b|\d")


@dataclass(frozen=True)
class RawFigure:
    """A figure found in a text, before units and catalogue elements are matched."""

    value: Decimal
    qualifier: str
    of_total: Decimal | None
    measure: str
    context: str  # the words before the number in its clause (for matching what is counted)
    after: str  # the words after the number up to the next number or ";" (same purpose)
    is_percent: bool
    period: str | None
    kind: str
    sentence: str
    sentence_start: int
    start: int
    end: int
    period_carried: bool = False  # the sentence names no period: ``period`` is the one an earlier sentence named


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at ``.``, ``!``, ``?`` before a space and at line breaks.

    >>> text = "Đạt 166.039 hồ sơ. Hỗ trợ hơn 3.500 công dân!\\nXong"
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['Đạt 166.039 hồ sơ.', 'Hỗ trợ hơn 3.500 công dân!', 'Xong']
    """
    spans = []
    start = 0
    for match in re.finditer(r"(?<=[.!?])\s+|\n+", text):
        if text[start : match.start()].strip():
            spans.append(_trim(text, start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _masked(sentence: str) -> str:
    """The sentence with every non-figure's digits replaced by ``#`` (offsets kept)."""
    chars = list(sentence)
    for pattern in _NOT_FIGURES:
        for match in pattern.finditer(sentence):
            for i in range(match.start(), match.end()):
                if chars[i].isdigit():
                    chars[i] = "#"
    return "".join(chars)


def _value(token: str) -> Decimal | None:
    try:
        return parse_vn_number(token)
    except NumberFormatError:
        return None


def sentence_period(sentence: str, on: date | None = None, before: int | None = None) -> str | None:
    """The period a sentence names (the last mention before offset ``before`` if there is one, else the first).

    >>> sentence_period("Tính đến 01/12/2022 đạt 91%"), sentence_period("Năm 2022, quận có 10 phường")
    ('2022-12-01', '2022')
    >>> sentence_period("Đến tháng 6/2023 có 5 chợ"), sentence_period("Đến nay có 5 chợ", date(2024, 3, 1))
    ('2023-06', '2024-03-01')
    >>> sentence_period("Quý III/2024 có 5 chợ"), sentence_period("Có 5 chợ") is None
    ('2024Q3', True)
    """
    mentions: list[tuple[int, str]] = []
    for match in re.finditer(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b", sentence):
        day, month, year = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            mentions.append((match.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    for match in re.finditer(r"(?i)\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", sentence):
        day, month, year = (int(g) for g in match.groups())
        mentions.append((match.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    for match in re.finditer(r"(?i)\btháng\s+(\d{1,2})\s*(?:/|\s+năm\s+)\s*(\d{4})", sentence):
        month, year = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            mentions.append((match.start(), f"{year:04d}-{month:02d}"))
    for match in re.finditer(r"(?i)\bquý\s+(I{1,3}|IV|[1-4])\s*(?:/|\s+năm\s+)\s*(\d{4})", sentence):
        roman = {"I": 1, "II": 2, "III": 3, "IV": 4}
        token = match.group(1).upper()
        quarter = roman.get(token) or int(token)
        mentions.append((match.start(), f"{int(match.group(2)):04d}Q{quarter}"))
    covered = [(start, start + 12) for start, _ in mentions]
    for match in re.finditer(r"(?i)\bnăm\s+((?:19|20)\d{2})\b", sentence):
        if not any(a <= match.start() < b + 8 for a, b in covered):
            mentions.append((match.start(), match.group(1)))
    if on is not None:
        for match in re.finditer(r"(?i)\b(?:đến nay|hiện nay|tới nay|hiện tại|hiện có|đến thời điểm này)\b", sentence):
            mentions.append((match.start(), on.isoformat()))
    if not mentions:
        return None
    mentions.sort()
    if before is None:
        return mentions[0][1]
    earlier = [period for start, period in mentions if start < before]
    if earlier:
        return earlier[-1]
    clause_end = sentence.find(";", before)
    later = [period for start, period in mentions if clause_end < 0 or start < clause_end]
    return later[0] if later else None


def _qualifier(before: str) -> str:
    tail = before.rstrip().lower()
    for words, name in _QUALIFIERS:
        if tail.endswith(words) and (len(tail) == len(words) or not tail[-len(words) - 1].isalpha()):
            return name
    return "exact"


def _phrase_after(rest: str, limit: int = 10) -> str:
    """The words after a number up to the next stop (punctuation, "và", another number…), at most ``limit``."""
    stop = _STOP.search(rest)
    phrase = rest[: stop.start()] if stop else rest
    words = phrase.split()
    return " ".join(words[:limit]).strip(" .")


def _percent_measure(before: str, rest: str) -> str:
    """What a percentage is of: "tỷ lệ …" before it, else the phrase after it ("80% hộ gia đình …").

    >>> _percent_measure("Tỉ lệ văn bản ký số đạt ", "."), _percent_measure("Khoảng ", " hộ có cáp quang, đạt")
    ('Tỉ lệ văn bản ký số', 'hộ có cáp quang, đạt')
    """
    phrase = _phrase_before(before)
    if re.search(r"(?i)\bt[ỷỉ] lệ\b", phrase):
        return phrase
    stop = re.search(r"[;()]|\.(?!\d)", rest)
    after = " ".join((rest[: stop.start()] if stop else rest).split()).strip(" ,")
    return after or phrase


def _phrase_before(before: str, limit: int = 10) -> str:
    """The words before a number back to the previous stop, without the qualifier and linking verbs."""
    cut = list(_MEASURE_BEFORE_STOP.finditer(before))
    phrase = before[cut[-1].end() :] if cut else before
    words = phrase.split()[-limit:]
    text = " ".join(words)
    text = re.sub(
        r"(?i)\s*\b(?:đạt|là|chiếm|khoảng|gần|hơn|trên|dưới|không quá|xấp xỉ|ít nhất|tối thiểu|tối đa|ước)\s*$",
        "",
        text,
    )
    text = re.sub(r"(?i)\s*\b(?:đạt|là|chiếm)\s*$", "", text)
    return re.sub(r"(?i)^(?:đạt|là|chiếm)\s+", "", text.strip())


def find_figures(text: str, on: date | None = None) -> list[RawFigure]:
    """The figures of ``text`` in reading order (see the module's doctests).

    A sentence that names no period takes the last one an earlier sentence of the same paragraph named
    ("Năm 2022 … . Trong đó …"), marked ``period_carried``; a blank line ends a paragraph.

    >>> text = "Năm 2022, quận hỗ trợ 3.500 công dân. Trong đó có 1.200 người cao tuổi.\\n\\nCó 5 chợ."
    >>> [(str(f.value), f.period, f.period_carried) for f in find_figures(text)]
    [('3500', '2022', False), ('1200', '2022', True), ('5', None, False)]
    """
    figures: list[RawFigure] = []
    carried: str | None = None
    previous_end = 0
    for s_start, s_end in sentence_spans(text):
        if re.search(r"\n\s*\n", text[previous_end:s_start]):
            carried = None
        sentence = text[s_start:s_end]
        named = sentence_period(sentence, on, before=len(sentence))  # its last mention carries on
        for figure in _sentence_figures(sentence, s_start, on):
            if figure.period is None and carried is not None:
                figure = replace(figure, period=carried, period_carried=True)
            figures.append(figure)
        carried = named or carried
        previous_end = s_end
    return figures


def _sentence_figures(sentence: str, offset: int, on: date | None) -> list[RawFigure]:
    masked = _masked(sentence)
    found: list[RawFigure] = []
    target_from = _TARGET_SENTENCE.search(sentence)
    plan_from: int | None = None
    skip_until = -1
    previous_end = 0
    for match in _NUMBER_RE.finditer(masked):
        if match.start() < skip_until:
            continue
        value = _value(match.group())
        if value is None:
            continue
        start, end = match.start(), match.end()
        following = re.search(r"\d", masked[end:])  # the next number that is a figure (masked digits are not)
        rest = sentence[end : end + following.start()] if following else sentence[end:]
        is_percent = bool(re.match(r"\s*%", rest))
        if is_percent:
            end_after = end + re.match(r"\s*%", rest).end()  # type: ignore[union-attr]
            rest = sentence[end_after:]
        of_total: Decimal | None = None
        measure = ""
        total_match = re.match(rf"\s*((?:{_WORD}\s*){{0,6}}?)\s*/\s*({_NUMBER})(?![\d/])", masked[end:])
        if total_match and not is_percent:
            total = _value(total_match.group(2))
            if total is not None:
                of_total = total
                skip_until = end + total_match.end()
                counted_before = total_match.group(1).strip()
                after = _phrase_after(sentence[end + total_match.end() :])
                measure = counted_before or after
        else:
            over = re.match(rf"\s*((?:{_WORD}\s*){{0,12}}?)\s*trên tổng số\s+({_NUMBER})", masked[end:])
            if over and not is_percent and _value(over.group(2)) is not None:
                of_total = _value(over.group(2))
                skip_until = end + over.end()
                measure = over.group(1).strip()
        before_all = sentence[:start]
        clause_before = sentence[previous_end:start]
        if not measure:
            measure = _percent_measure(before_all, rest) if is_percent else _phrase_after(rest)
        qualifier = _qualifier(before_all)
        if _PLAN_HEAD.match(rest) and not is_percent:
            kind = "plan_count"
            plan_from = start
            measure = "chỉ tiêu"
        elif plan_from is not None and re.search(r":|(?i:trong đó|gồm)", sentence[plan_from:start]):
            kind = "plan_count"
        elif _TARGET_LOCAL.search(_strip_qualifier(clause_before)) or (target_from and target_from.start() < start):
            kind = "target"
        else:
            kind = "actual"
        period = sentence_period(sentence, on, before=start)
        found.append(
            RawFigure(
                value=value,
                qualifier=qualifier,
                of_total=of_total,
                measure=measure,
                context=clause_before,
                after=_after(sentence, masked, max(end, skip_until)),
                is_percent=is_percent,
                period=period,
                kind=kind,
                sentence=sentence,
                sentence_start=offset,
                start=offset + start,
                end=offset + end,
            )
        )
        previous_end = max(end, skip_until)
    return found


def _after(sentence: str, masked: str, end: int) -> str:
    """The text after a figure up to the next figure or ";" ("mức 2" and other non-figures do not stop it)."""
    stop = re.search(r"[;\d]", masked[end:])
    return sentence[end : end + stop.start()] if stop else sentence[end:]


def _strip_qualifier(before: str) -> str:
    text = before.rstrip()
    for words, _name in _QUALIFIERS:
        if text.lower().endswith(words):
            return text[: -len(words)].rstrip()
    return text
