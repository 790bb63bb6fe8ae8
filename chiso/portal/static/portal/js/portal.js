/* chiso portal: small enhancements; every page works without them. */
(function () {
  "use strict";

  // Sortable tables: a button in each header cell; aria-sort says the order to screen readers.
  function sortTable(table, index, kind, button) {
    var th = button.closest("th");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var cell = row.cells[index];
      var text = cell ? (cell.getAttribute("data-value") !== null ? cell.getAttribute("data-value") : cell.textContent) : "";
      if (kind === "number") {
        var number = parseFloat(text);
        return isNaN(number) ? null : number;
      }
      return text.trim();
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }  // missing values last whatever the order
      if (y === null) { return -1; }
      var result = kind === "number" ? x - y : x.localeCompare(y, document.documentElement.lang || "vi");
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th button[data-sort]").forEach(function (button) {
      var index = Array.prototype.indexOf.call(button.closest("tr").children, button.closest("th"));
      button.addEventListener("click", function () { sortTable(table, index, button.getAttribute("data-sort"), button); });
    });
  });

  // Tabs (the indicator's metadata): without script every panel shows, one after another, with its heading.
  document.querySelectorAll("[role=tablist]").forEach(function (list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
    function show(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab, panel = document.getElementById(t.getAttribute("aria-controls"));
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        if (panel) { panel.hidden = !on; }
      });
      if (focus) { tab.focus(); }
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { show(tab, false); });
      tab.addEventListener("keydown", function (e) {
        var next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : null;
        if (next === null) { return; }
        e.preventDefault();
        show(tabs[(next + tabs.length) % tabs.length], true);
      });
    });
    list.hidden = false;
    list.closest("section").classList.add("has-tabs");
    if (tabs.length) { show(tabs[0], false); }
  });

  // The hierarchy-version switch goes at once when a version is chosen (the button stays for keyboards).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
