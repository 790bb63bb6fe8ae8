/* Indicator page charts with the vendored Apache ECharts: the series over time and the map of points.
   Data comes from the page (json_script "chart-data"); the same figures are in the tables below.
   ECharts puts a tooltip formatter's string into the page as HTML: every text from the data (unit names,
   periods, numbers) goes through esc() first, in every formatter (tests/portal/test_charts_js.py). */
(function () {
  "use strict";
  var holder = document.getElementById("chart-data");
  if (!holder || typeof echarts === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var words = lang === "en"
    ? { target: "target ", value: "value", estimated: " (estimated)", illustrative: " (illustrative)", map: "map change " }
    : { target: "mục tiêu ", value: "giá trị", estimated: " (ước tính)", illustrative: " (minh họa)", map: "đổi danh mục " };
  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var decimals = typeof data.decimals === "number" ? data.decimals : 1;
  function fmt(value) {
    if (value === null || value === undefined) { return "–"; }
    var text = Number(value).toLocaleString(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: decimals });
    return data.percent ? text + "%" : text;
  }
  function marks(estimated, illustrative) {
    return (estimated ? words.estimated : "") + (illustrative ? words.illustrative : "");
  }
  function month(period) { var s = String(period).split("-"); return s[1] + "/" + s[0]; }
  var brand = "#0b4f6c", target = "#b3261e", muted = "#525a63";
  var charts = [];

  var seriesBox = document.getElementById("chart-series");
  if (seriesBox && data.series.length) {
    var chart = echarts.init(seriesBox, null, { renderer: "svg" });
    var lines = [];
    if (data.goal !== null) {
      lines.push({ yAxis: data.goal, lineStyle: { color: target, type: "dashed" },
        label: { formatter: words.target + fmt(data.goal), color: target, position: "insideEndTop" } });
    }
    (data.breaks || []).forEach(function (b) {  // a change of the map inside the series: marked where it falls
      lines.push({ xAxis: month(b[0]), lineStyle: { color: muted, type: "dotted" },
        label: { formatter: words.map + b[1], color: muted, position: "insideEndTop" } });
    });
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: "axis", formatter: function (params) {
        var p = params[0], point = data.series[p.dataIndex];
        return esc(p.axisValue) + "<br>" + esc(fmt(p.value)) + esc(marks(point[3], point[2]));
      } },
      xAxis: { type: "category", data: data.series.map(function (p) { return month(p[0]); }) },
      yAxis: { type: "value", scale: true, minInterval: data.count ? 1 : 0, axisLabel: { formatter: fmt } },
      series: [{ type: "line", name: words.value, showSymbol: false, connectNulls: false,
        lineStyle: { color: brand, width: 2 }, itemStyle: { color: brand },
        data: data.series.map(function (p) { return p[1]; }),
        markLine: lines.length ? { silent: true, symbol: "none", data: lines } : undefined }]
    });
    charts.push(chart);
  }

  var mapBox = document.getElementById("chart-map");
  if (mapBox && data.points.length) {
    var values = data.points.map(function (p) { return p[3]; });
    var lons = data.points.map(function (p) { return p[1]; }), lats = data.points.map(function (p) { return p[2]; });
    // Same ground distance per pixel across and down (1° of longitude is cos(latitude) of 1° of latitude).
    var width = mapBox.clientWidth - 16, height = mapBox.clientHeight - 56;
    var midLat = (Math.min.apply(null, lats) + Math.max.apply(null, lats)) / 2;
    var squeeze = Math.cos(midLat * Math.PI / 180);
    var spanX = (Math.max.apply(null, lons) - Math.min.apply(null, lons)) * squeeze + 0.04;
    var spanY = Math.max.apply(null, lats) - Math.min.apply(null, lats) + 0.04;
    var perPixel = Math.max(spanX / width, spanY / height);
    var centreX = (Math.min.apply(null, lons) + Math.max.apply(null, lons)) / 2;
    var centreY = (Math.min.apply(null, lats) + Math.max.apply(null, lats)) / 2;
    var halfX = perPixel * width / 2 / squeeze, halfY = perPixel * height / 2;
    var map = echarts.init(mapBox, null, { renderer: "svg" });
    function point(p) { return [p[1], p[2], p[0], p[3], p[4], p[5]]; }
    map.setOption({
      animation: false,
      grid: { left: 8, right: 8, top: 8, bottom: 48 },
      tooltip: { formatter: function (p) {
        var d = p.data;
        return esc(d[2]) + ": " + esc(fmt(d[3])) + esc(marks(d[5], d[4]));
      } },
      xAxis: { type: "value", show: false, min: centreX - halfX, max: centreX + halfX },
      yAxis: { type: "value", show: false, min: centreY - halfY, max: centreY + halfY },
      visualMap: { type: "continuous", dimension: 3, orient: "horizontal", left: "center", bottom: 4, itemHeight: 160,
        min: Math.min.apply(null, values), max: Math.max.apply(null, values), calculable: false,
        text: [fmt(Math.max.apply(null, values)), fmt(Math.min.apply(null, values))],
        formatter: fmt, inRange: { color: ["#f0d9a8", "#5aa0b8", "#083a50"] }, textStyle: { color: "#1b1f24" } },
      series: [{ type: "scatter", symbolSize: 18, itemStyle: { borderColor: "#fff", borderWidth: 1 },
        data: data.points.map(point) },
        { type: "scatter", z: 3, symbolSize: 26, itemStyle: { borderColor: target, borderWidth: 3 },  // the page's unit, on top
          data: data.points.filter(function (p) { return p[6]; }).map(point) }]
    });
    charts.push(map);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
