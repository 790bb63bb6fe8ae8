"""Issue 8, defect 7: a unit name never runs as script in a chart; count axes have whole-number ticks.

The chart data reaches the page through ``json_script`` (no HTML); charts.js puts every data string of
a tooltip (the only ECharts strings read as HTML) through one ``esc`` function. Checked without a browser:
statically on the file, and by running charts.js under Node with a stand-in for ECharts that keeps the
options, then calling each tooltip formatter with a hostile unit name.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHARTS_JS = Path(__file__).resolve().parents[2] / "chiso" / "portal" / "static" / "portal" / "js" / "charts.js"
PAYLOAD = "<img src=x onerror=alert(1)>"


def _without_esc_calls(expression: str) -> str:
    """``expression`` with every ``esc( … )`` call (balanced parentheses) removed."""
    out, i = [], 0
    while i < len(expression):
        if expression.startswith("esc(", i):
            depth, i = 1, i + 4
            while depth:
                depth += {"(": 1, ")": -1}.get(expression[i], 0)
                i += 1
        else:
            out.append(expression[i])
            i += 1
    return "".join(out)


def test_every_tooltip_formatter_escapes_every_piece_of_data():
    source = CHARTS_JS.read_text()
    assert "valueFormatter" not in source  # ECharts puts its result into the tooltip's HTML unescaped
    tooltips = re.findall(r"tooltip: \{[^{]*formatter: function \(\w+\) \{(.*?)\n\s*\} \}", source, re.S)
    assert len(tooltips) == source.count("tooltip:") == 2
    for body in tooltips:
        returned = body.split("return", 1)[1].rsplit(";", 1)[0]
        rest = _without_esc_calls(returned)
        assert re.fullmatch(r'(\s|\+|"<br>"|": ")*', rest), rest  # only literal markup outside esc()
    other = [m for m in re.findall(r"formatter: ([^,}]+)", source) if not m.startswith("function")]
    # the remaining formatters (axis labels, mark lines, visual map) are drawn as SVG text, not HTML
    assert sorted(set(m.strip() for m in other)) == ["fmt", "words.map + b[1]", "words.target + fmt(data.goal)"]


def _run(data: dict, lang: str = "vi") -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the static test above still checks the formatters)")
    harness = """
const fs = require("fs");
const data = __DATA__;
const options = [];
const box = { clientWidth: 600, clientHeight: 400 };
global.document = {
  documentElement: { lang: __LANG__ },
  getElementById: (id) => id === "chart-data" ? { textContent: JSON.stringify(data) } : box,
};
global.window = { addEventListener: () => {} };
global.echarts = { init: () => ({ setOption: (o) => options.push(o), resize: () => {} }) };
eval(fs.readFileSync(__FILE__, "utf8"));
const line = options[0], map = options[1];
const out = {
  lineTooltip: line.tooltip.formatter([{ dataIndex: 1, axisValue: "02/2025", value: data.series[1][1] }]),
  mapTooltip: map.tooltip.formatter({ data: map.series[0].data[0] }),
  minInterval: line.yAxis.minInterval,
  marks: (line.series[0].markLine || { data: [] }).data.map((m) => [m.xAxis === undefined ? null : m.xAxis,
                                                  m.yAxis === undefined ? null : m.yAxis, m.label.formatter]),
  axisLabel: line.yAxis.axisLabel.formatter(2.36),
};
process.stdout.write(JSON.stringify(out));
"""
    harness = (harness.replace("__DATA__", json.dumps(data)).replace("__LANG__", json.dumps(lang))
               .replace("__FILE__", json.dumps(str(CHARTS_JS))))
    done = subprocess.run([node, "-e", harness], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def test_under_node_a_hostile_unit_name_comes_out_of_the_tooltips_as_text():
    data = {"series": [["2025-01", 10, False, False], ["2025-02", 12.5, True, True]], "goal": 20,
            "points": [[PAYLOAD, 108.2, 16.05, 7, False, True]], "percent": False, "decimals": 0,
            "count": True, "breaks": [["2025-07", "01/07/2025"]]}
    out = _run(data)
    assert out["mapTooltip"] == "&lt;img src=x onerror=alert(1)&gt;: 7 (ước tính)"
    assert out["lineTooltip"] == "02/2025<br>13 (ước tính) (minh họa)"
    assert out["minInterval"] == 1
    assert out["marks"] == [[None, 20, "mục tiêu 20"], ["07/2025", None, "đổi danh mục 01/07/2025"]]
    assert out["axisLabel"] == "2"  # a count is labelled in whole numbers


def test_under_node_a_rate_keeps_its_decimals_and_has_no_whole_number_ticks():
    data = {"series": [["2025-01", 91.5, False, False], ["2025-02", 92.25, False, False]], "goal": None,
            "points": [["Phường Hải Châu", 108.2, 16.05, 91.5, False, False]], "percent": True, "decimals": 1,
            "count": False, "breaks": []}
    out = _run(data)
    assert (out["minInterval"], out["marks"], out["axisLabel"]) == (0, [], "2,4%")
    assert out["mapTooltip"] == "Phường Hải Châu: 91,5%"


@pytest.mark.demo
@pytest.mark.django_db
def test_the_page_hands_a_hostile_unit_name_to_the_chart_as_json_not_html(client):
    from tests.portal.helpers import unit

    ward = unit("2025-07", "20209")
    ward.name = PAYLOAD
    ward.save()
    from chiso.portal import queries

    queries.clear_memo()
    response = client.get("/chi-tieu/XHS-06/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PAYLOAD not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert "\\u003Cimg" in found.group(1)
    assert [p[0] for p in data["points"] if p[0] == PAYLOAD] == [PAYLOAD]
    assert (data["decimals"], data["count"], data["breaks"]) == (0, True, [["2025-07", "01/07/2025"]])
