"""What the ranking pages show, formatted from what ``ranking.queries`` computed: rows of the ranking table,
a scorecard's components in tree order, a rule in words, the colour of a grade. No rule and no permission here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from chiso.engine.numbers import format_number
from chiso.engine.scoring import Gap, parse_rule
from chiso.ranking.models import GradeBand, Round, Scorecard, Verdict
from chiso.web.language import page_language

GRADE_COLOURS = 5  # grade-0 (best) … grade-4; a lower band shares the last colour


def _n(value: float | None, decimals: int | None = None) -> str:
    lang = "en" if page_language() == "en" else "vi"
    return format_number(None if value is None else round(value, 6), decimals, lang)


def points(value: float | None) -> str:
    """Points with at most two decimals: 15, 12,5, 89,02."""
    return _n(None if value is None else round(value, 2))


def grade_class(grade: str, bands: list[GradeBand]) -> str:
    """``grade-0`` for the best band, ``grade-1`` for the next …; ``grade-none`` below every band."""
    names = [b.name for b in sorted(bands, key=lambda b: -b.min_score)]
    if grade not in names:
        return "grade-none"
    return f"grade-{min(names.index(grade), GRADE_COLOURS - 1)}"


def rule_words(rule: str, params: str, max_points: float) -> str:
    """A scoring rule as a person reads it: "bậc thang 4:20; 3:15 …", "tỷ lệ so với mục tiêu 80"."""
    if not rule:
        return ""
    try:
        parsed = parse_rule(rule, params)
    except ValueError:
        return f"{rule} {params}".strip()
    top = points(max_points)
    if rule == "steps":
        steps = "; ".join(f"{_n(t)}:{_n(p)}" for t, p in parsed.steps)
        return _("bậc thang %(steps)s (ngưỡng: điểm)") % {"steps": steps}
    if rule == "ratio":
        return _("tỷ lệ tử số ÷ mẫu số × %(max)s") % {"max": top}
    if rule == "boolean":
        return _("có: %(max)s điểm, không: 0") % {"max": top}
    if rule == "categorical":
        parts = [f"{name}={_n(p)}" for name, p in parsed.categories]
        if parsed.other is not None:
            parts.append(_("khác=%(p)s") % {"p": _n(parsed.other)})
        return _("theo loại: %(parts)s") % {"parts": "; ".join(parts)}
    if rule == "capped_count":
        return _("mỗi đơn vị đếm %(per)s điểm, tối đa %(max)s") % {"per": _n(parsed.per), "max": top}
    if rule == "relative_to_best":
        return _("so với đơn vị tốt nhất (tốt nhất: %(max)s)") % {"max": top}
    if rule == "goalposts":
        return _("tuyến tính từ %(lo)s (0 điểm) đến %(hi)s (%(max)s điểm)") % {
            "lo": _n(parsed.lo), "hi": _n(parsed.hi), "max": top}
    if rule == "distance_to_target":
        if parsed.lower_is_better:
            return _("càng thấp càng tốt, mục tiêu %(t)s") % {"t": _n(parsed.target)}
        return _("tỷ lệ so với mục tiêu %(t)s") % {"t": _n(parsed.target)}
    if rule == "bonus":
        return _("điểm thưởng, tối đa %(max)s (ngoài thang điểm)") % {"max": top}
    return _("điểm trừ, tối đa %(max)s (ngoài thang điểm)") % {"max": top}


@dataclass
class Line:
    """One component of a scorecard as the table shows it."""

    code: str
    name: str
    depth: int
    kind: str  # group | figure | self
    points: float | None
    max_points: float
    rule: str
    params: str
    rule_text: str
    source: str
    shown_input: str | None
    missing: bool
    withheld: bool
    period: str
    raw: dict[str, Any] = field(default_factory=dict)  # the query's line: claim, evidence, verdict …

    @property
    def applies(self) -> bool:
        return self.points is not None

    @property
    def verdict_label(self) -> str:
        verdict = self.raw.get("verdict")
        return Verdict(verdict).label if verdict else ""

    @property
    def evidence(self) -> dict[str, str]:
        return self.raw.get("evidence") or {}


def tree(lines: list[dict[str, Any]]) -> list[Line]:
    """The scorecard's lines in tree order (each group followed by its children), with their depth."""
    children: dict[str, list[dict[str, Any]]] = {}
    codes = {line["code"] for line in lines}
    for line in lines:
        parent = line.get("parent") or ""
        children.setdefault(parent if parent in codes else "", []).append(line)
    ordered: list[Line] = []

    def walk(parent: str, depth: int) -> None:
        for line in children.get(parent, []):
            ordered.append(Line(
                line["code"], line["name"], depth, line.get("kind") or ("group" if not line.get("rule") else "figure"),
                line.get("points"), float(line.get("max_points") or 0), line.get("rule") or "",
                line.get("params") or "", rule_words(line.get("rule") or "", line.get("params") or "",
                                                     float(line.get("max_points") or 0)),
                line.get("source") or "", line.get("input"), bool(line.get("missing")), bool(line.get("withheld")),
                str(line.get("period") or ""), line))
            if line["code"] != parent:
                walk(line["code"], depth + 1)

    walk("", 0)
    return ordered


@dataclass
class Row:
    """One unit of the ranking table."""

    card: Scorecard
    total: float
    value: float
    rank: int | None  # None: not shown (a reader who sees only its own card)
    grade: str
    grade_class: str
    band: tuple[int, int] | None
    change: Any = None

    @property
    def change_parts(self) -> dict[str, str] | None:
        return change_parts(self.change)


def signed(value: float) -> str:
    """+3,2 · −1,05 · ±0 (points with at most two decimals)."""
    value = round(value, 2)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + points(abs(value))


def change_parts(change: Any) -> dict[str, str] | None:
    """A year-on-year change (``engine.scoring.Change``) as the pages write it: the whole and its two parts."""
    if change is None:
        return None
    return {"total": signed(change.after - change.before), "figures": signed(change.from_figures),
            "method": signed(change.from_method), "before": points(change.before)}


def gap_text(gap: Gap | None, names: dict[str, str]) -> str:
    """What the next grade takes, in one sentence."""
    if gap is None:
        return ""
    if not gap.grade:
        return _("Đã ở loại cao nhất.")
    parts = ", ".join(_("%(code)s %(name)s (còn %(room)s điểm)") % {
        "code": code, "name": names.get(code, ""), "room": points(room)} for code, room in gap.components)
    sentence = _("Để đạt loại '%(grade)s' cần thêm %(need)s điểm") % {
        "grade": gap.grade, "need": points(gap.points_needed)}
    if not gap.reachable:
        return sentence + _(": các thành phần còn lại không đủ điểm để đạt.")
    return sentence + _(", ít thành phần nhất: %(parts)s.") % {"parts": parts}


def annex_links(round_: Round) -> dict[str, str]:
    """The ranking annex downloads (reports' route, or its plain path while that route is not there)."""
    from django.urls import NoReverseMatch, reverse

    links = {}
    for fmt in ("pdf", "xlsx"):
        try:
            links[fmt] = reverse("reports:ranking-annex", kwargs={"round_id": round_.pk, "fmt": fmt})
        except NoReverseMatch:
            links[fmt] = f"/bao-cao/xep-hang/{round_.pk}/phu-luc.{fmt}"
    return links
