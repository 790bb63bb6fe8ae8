/* Scenario charts on the unit page (vendored Apache ECharts): observed monthly values and the scenario's
   path against the target. Data comes from the box's data-chart attribute (JSON written by the server);
   the box is redrawn by htmx after each run, so charts are drawn on load and after every swap.
   No text from the data goes into HTML: the tooltip is ECharts' default (numbers only). */
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var words = lang === "en"
    ? { observed: "observed", scenario: "scenario", target: "target " }
    : { observed: "số liệu", scenario: "kịch bản", target: "mục tiêu " };
  function month(period) { var s = String(period).split("-"); return s[1] + "/" + s[0]; }
  function fmt(data) {
    return function (value) {
      var text = Number(value).toLocaleString(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: data.count ? 0 : 2 });
      return data.percent ? text + "%" : text;
    };
  }
  function draw(box) {
    if (typeof echarts === "undefined") { return; }
    var data = JSON.parse(box.getAttribute("data-chart"));
    var old = echarts.getInstanceByDom(box);
    if (old) { old.dispose(); }
    var chart = echarts.init(box, null, { renderer: "svg" });
    var format = fmt(data);
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 16, top: 24, bottom: 48 },
      legend: { bottom: 0, data: [words.observed, words.scenario] },
      tooltip: { trigger: "axis", valueFormatter: format },
      xAxis: { type: "category", data: data.months.map(month) },
      yAxis: { type: "value", scale: true, minInterval: data.count ? 1 : 0, axisLabel: { formatter: format } },
      series: [
        { type: "line", name: words.observed, showSymbol: false, data: data.observed,
          lineStyle: { color: "#0b4f6c", width: 2 }, itemStyle: { color: "#0b4f6c" },
          markLine: { silent: true, symbol: "none", data: [
            { yAxis: data.target, lineStyle: { color: "#b3261e", type: "dashed" },
              label: { formatter: words.target + format(data.target), color: "#b3261e", position: "insideEndTop" } },
            { xAxis: month(data.deadline), lineStyle: { color: "#525a63", type: "dotted" }, label: { show: false } }] } },
        { type: "line", name: words.scenario, showSymbol: false, data: data.scenario,
          lineStyle: { color: "#c26a00", width: 2, type: "dashed" }, itemStyle: { color: "#c26a00" } }
      ]
    });
  }
  function drawAll(root) {
    (root || document).querySelectorAll(".scenario-chart[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.detail.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".scenario-chart[data-chart]").forEach(function (box) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(box);
      if (chart) { chart.resize(); }
    });
  });
})();
