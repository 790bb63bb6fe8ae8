"""CKAN's ``package_search`` over package dicts, without Solr: pure functions over plain data.

What a CKAN client sends is read the way CKAN reads it:

* ``q``: words that must all appear in a package's title, notes (description), name or tags; compared
  without case or Vietnamese diacritics (``engine.text.fold``), so ``q=chuyen doi so`` finds "chuyển đổi số".
  ``*:*`` or nothing matches everything.
* ``fq``: Solr-like filters, every clause must hold: ``tags:kinh-te``, ``groups:xa-hoi-so``,
  ``organization:da-nang``, ``res_format:CSV``, ``name:...``, quoted values (``tags:"dữ liệu mở"``), a
  leading ``+`` (must, the default) or ``-`` (must not).
* ``rows`` (default 10) is capped at 1.000 as CKAN caps it (``ckan.search.rows_max``); ``start`` from 0.
* ``sort``: ``metadata_modified desc|asc``, ``title_string asc|desc``, ``name asc|desc``, ``score desc``
  (several, comma separated).
* ``facet.field``: a JSON list of fields (``tags``, ``groups``, ``organization``, ``res_format``,
  ``license_id``), with ``facet.limit`` (default 50, ``-1`` for all).

A parameter CKAN would refuse is a ``SearchRefused`` naming the parameter, for the view's
"Validation Error" (409).

>>> packages = [{"name": "a", "title": "Dân số", "notes": "", "tags": [{"name": "xa-hoi"}], "groups": [],
...              "organization": {"name": "dn"}, "resources": [{"format": "CSV"}], "metadata_modified": "1"},
...             {"name": "b", "title": "Doanh nghiệp", "notes": "", "tags": [{"name": "kinh-te"}], "groups": [],
...              "organization": {"name": "dn"}, "resources": [], "metadata_modified": "2"}]
>>> [p["name"] for p in search(packages, {"q": "dan so"})["results"]]
['a']
>>> search(packages, {"fq": 'tags:"kinh-te"', "facet.field": '["organization"]'})["facets"]
{'organization': {'dn': 1}}
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from chiso.engine.text import fold

ROWS_DEFAULT = 10
ROWS_MAX = 1000
FACET_LIMIT_DEFAULT = 50
FIELDS = ("tags", "groups", "organization", "res_format", "license_id", "name", "id")
FACET_FIELDS = ("tags", "groups", "organization", "res_format", "license_id")
SORT_KEYS = ("metadata_modified", "title_string", "name", "score")
_CLAUSE = re.compile(r'\s*([+-]?)([A-Za-z_.]+):("(?:[^"\\]|\\.)*"|[^\s"]+)\s*')

Package = Mapping[str, Any]


class SearchRefused(ValueError):
    """A parameter CKAN would refuse: ``field`` names it, ``message`` says what to send instead."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def values_of(package: Package, field: str) -> list[str]:
    """What a filter or a facet on ``field`` sees in a package."""
    if field == "tags":
        return [t["name"] for t in package.get("tags", [])]
    if field == "groups":
        return [g["name"] for g in package.get("groups", [])]
    if field == "organization":
        return [package["organization"]["name"]] if package.get("organization") else []
    if field == "res_format":
        return sorted({r["format"] for r in package.get("resources", []) if r.get("format")})
    value = package.get(field)
    return [] if value is None else [str(value)]


def parse_fq(fq: str) -> list[tuple[bool, str, str]]:
    """The clauses of ``fq``: (must hold, field, value).

    >>> parse_fq('tags:kinh-te -res_format:"XLSX" +groups:xa-hoi-so')
    [(True, 'tags', 'kinh-te'), (False, 'res_format', 'XLSX'), (True, 'groups', 'xa-hoi-so')]
    """
    clauses: list[tuple[bool, str, str]] = []
    position = 0
    text = fq.strip()
    while position < len(text):
        match = _CLAUSE.match(text, position)
        if match is None:
            raise SearchRefused("fq", f"Không đọc được fq từ ký tự {position + 1} ({text[position:][:30]!r}): "
                                      f"viết mỗi điều kiện dạng trường:giá_trị hoặc trường:\"giá trị\", "
                                      f"cách nhau bởi dấu cách.")
        sign, field, value = match.groups()
        if field not in FIELDS:
            raise SearchRefused("fq", f"fq không lọc được theo trường {field!r}: dùng một trong "
                                      f"{', '.join(FIELDS)}.")
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        clauses.append((sign != "-", field, value))
        position = match.end()
    return clauses


def _matches_q(package: Package, words: list[str]) -> bool:
    text = fold(" ".join([package.get("title") or "", package.get("notes") or "", package.get("name") or "",
                          *values_of(package, "tags")]))
    return all(word in text for word in words)


def _sorter(sort: str) -> Callable[[list[Package]], list[Package]]:
    keys: list[tuple[str, bool]] = []
    for part in sort.split(","):
        bits = part.split()
        if not bits:
            continue
        if len(bits) > 2 or bits[0] not in SORT_KEYS or (len(bits) == 2 and bits[1] not in ("asc", "desc")):
            raise SearchRefused("sort", f"Không sắp xếp được theo {part.strip()!r}: dùng "
                                        f"\"metadata_modified desc\", \"title_string asc\" hoặc \"name asc\".")
        keys.append((bits[0], len(bits) == 2 and bits[1] == "desc"))

    def apply(found: list[Package]) -> list[Package]:
        for key, descending in reversed(keys):  # stable sorts, last key first
            if key == "score":
                continue  # every match scores the same here: keep the order so far
            field = "title" if key == "title_string" else key
            found = sorted(found, key=lambda p: fold(str(p.get(field) or "")) if key == "title_string"
                           else str(p.get(field) or ""), reverse=descending)
        return found

    return apply


def _integer(params: Mapping[str, Any], name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise SearchRefused(name, f"{name} phải là một số nguyên (đã gửi {raw!r}).") from None
    if value < low or (high is not None and value > high):
        bound = f"từ {low} đến {high:,}".replace(",", ".") if high is not None else f"từ {low} trở lên"
        raise SearchRefused(name, f"{name} phải {bound} (đã gửi {value}).")
    return value


def _facet_fields(params: Mapping[str, Any]) -> list[str]:
    raw = params.get("facet.field")
    if raw in (None, "", []):
        return []
    fields = raw if isinstance(raw, list) else None
    if fields is None:
        try:
            fields = json.loads(raw)
        except (TypeError, ValueError):
            fields = None
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise SearchRefused("facet.field", 'facet.field phải là một danh sách JSON, ví dụ ["tags", "groups"].')
    unknown = [f for f in fields if f not in FACET_FIELDS]
    if unknown:
        raise SearchRefused("facet.field", f"Không đếm được theo {', '.join(unknown)}: dùng một trong "
                                           f"{', '.join(FACET_FIELDS)}.")
    return fields


def search(packages: Iterable[Package], params: Mapping[str, Any],
           display: Callable[[str, str], str] | None = None) -> dict[str, Any]:
    """CKAN's ``package_search`` result for ``params``: count, results, facets, search_facets, sort.
    ``display(field, name)`` gives a facet item's display name (default: the name)."""
    rows = min(_integer(params, "rows", ROWS_DEFAULT, 0, None), ROWS_MAX)  # CKAN caps rows, as here
    start = _integer(params, "start", 0, 0, None)
    facet_limit = _integer(params, "facet.limit", FACET_LIMIT_DEFAULT, -1, None)
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    ordered = _sorter(sort)
    fields = _facet_fields(params)
    q = str(params.get("q") or "").strip()
    words = [] if q in ("", "*:*") else fold(q).split()
    clauses = parse_fq(str(params.get("fq") or ""))

    found = [p for p in packages
             if _matches_q(p, words)
             and all((value in values_of(p, field)) == must for must, field, value in clauses)]
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, dict[str, Any]] = {}
    for field in fields:
        counts = Counter(v for p in found for v in values_of(p, field))
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if facet_limit >= 0:
            top = top[:facet_limit]
        facets[field] = dict(top)
        search_facets[field] = {"title": field, "items": [
            {"name": name, "display_name": display(field, name) if display else name, "count": count}
            for name, count in top]}
    return {"count": len(found), "sort": sort, "facets": facets, "search_facets": search_facets,
            "results": ordered(found)[start:start + rows]}
