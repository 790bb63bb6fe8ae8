/* Entry grid: keyboard moves, pasting a column from a spreadsheet, Esc reverts, changed cells,
   conflict choices. The page works without it (plain form post); htmx does the checks as you type. */
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("grid-form");
    if (!form) { return; }
    var submitting = false;

    function cells() {
      return Array.prototype.slice.call(form.querySelectorAll("input.cell-input:not([readonly])"));
    }
    function isCell(el) { return el && el.classList && el.classList.contains("cell-input") && !el.readOnly; }
    function same(a, b) { return a.trim().replace(/\s+/g, " ") === b.trim().replace(/\s+/g, " "); }

    function move(from, step) {
      var list = cells();
      var to = list[list.indexOf(from) + step];
      if (to) { to.focus(); to.select(); return true; }
      return false;
    }

    function refresh() {
      var changed = form.querySelectorAll("tr.is-changed").length;
      var count = document.getElementById("dirty-count");
      if (count) {
        count.textContent = changed ? count.dataset.changed.replace("{n}", changed) : "";
      }
      var note = document.getElementById("dirty-note");
      if (note) { note.hidden = changed === 0; }
      document.querySelectorAll("[data-workflow]").forEach(function (button) { button.disabled = changed > 0; });
    }

    function mark(input) {
      input.closest("tr").classList.toggle("is-changed", !same(input.value, input.dataset.original || ""));
      refresh();
    }

    function setValue(input, text) {
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }

    form.addEventListener("keydown", function (event) {
      var cell = event.target;
      if (!isCell(cell)) { return; }
      var key = event.key;
      if ((key === "Tab" && !event.shiftKey) || (key === "Enter" && !event.shiftKey) || key === "ArrowDown") {
        if (move(cell, 1) || key !== "Tab") { event.preventDefault(); }
      } else if ((key === "Tab" || key === "Enter") && event.shiftKey || key === "ArrowUp") {
        if (move(cell, -1) || key !== "Tab") { event.preventDefault(); }
      } else if (key === "Escape") {
        event.preventDefault();
        setValue(cell, cell.dataset.original || "");
      } else if (event.altKey && (key === "h" || key === "H")) {
        event.preventDefault();
        var history = cell.closest("tr").querySelector("details.cell-history");
        if (history) { history.open = !history.open; }
      }
    });

    // Ctrl+S saves from anywhere on the page (a cell, the reason box, a link), never the browser's "save page".
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        if (form.querySelector("#save-button")) { submitting = true; form.requestSubmit(); }
      }
    });

    // The rate of an indicator, recomputed from its two cells as they are typed (Vietnamese: 91,5%).
    function readNumber(text) {
      var clean = text.trim().replace(/\s+/g, " ").toLowerCase()
        .replace(/^(không quá|tối đa|ít nhất|khoảng|gần|hơn|trên|~|≈|>|≤|<=)\s*/, "").replace(/%$/, "").trim();
      if (!/^-?\d{1,3}(\.\d{3})*(,\d+)?$/.test(clean) && !/^-?\d+(,\d+)?$/.test(clean)) { return null; }
      return parseFloat(clean.replace(/\./g, "").replace(",", "."));
    }
    function formatVn(value, decimals) {
      var parts = Math.abs(value).toFixed(decimals).split(".");
      parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
      return (value < 0 ? "-" : "") + parts.join(",");
    }
    function cellOf(code) { return form.querySelector("input.cell-input[data-code='" + code + "']"); }
    function rates() {
      form.querySelectorAll("output.rate-value").forEach(function (out) {
        var num = cellOf(out.dataset.num), den = cellOf(out.dataset.den);
        var top = num ? readNumber(num.value) : null, bottom = den ? readNumber(den.value) : null;
        var rate = top === null || bottom === null || top < 0 || bottom <= 0 ? NaN
          : top / bottom * parseFloat(out.dataset.factor);
        out.textContent = isFinite(rate) && rate < 1e15
          ? formatVn(rate, parseInt(out.dataset.decimals, 10)) + out.dataset.suffix : "–";
      });
    }

    form.addEventListener("input", function (event) {
      if (isCell(event.target)) { mark(event.target); rates(); }
    });

    // The links of the "Kiểm tra" panel put the cursor in the cell they name.
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus]");
      if (!link) { return; }
      var cell = document.getElementById(link.dataset.focus);
      if (cell) { event.preventDefault(); cell.scrollIntoView({ block: "center" }); cell.focus(); cell.select(); }
    });

    // A column copied from Excel or LibreOffice arrives as lines (cells of a row separated by tabs):
    // the first value goes in this cell, the next ones in the cells below it.
    form.addEventListener("paste", function (event) {
      var cell = event.target;
      if (!isCell(cell)) { return; }
      var text = (event.clipboardData || window.clipboardData).getData("text");
      var lines = text.replace(/\r\n?/g, "\n").split("\n");
      if (lines.length && lines[lines.length - 1] === "") { lines.pop(); }
      if (lines.length < 2 && text.indexOf("\t") < 0) { return; }  // one value: the browser pastes it
      event.preventDefault();
      var list = cells();
      var at = list.indexOf(cell);
      var filled = 0;
      lines.forEach(function (line) {
        if (at + filled < list.length) { setValue(list[at + filled], line.split("\t")[0].trim()); filled += 1; }
      });
      var count = document.getElementById("dirty-count");
      if (count && filled < lines.length) {
        count.textContent = count.dataset.pasted
          .replace("{n}", filled).replace("{left}", lines.length - filled);
      }
      list[Math.min(at + filled, list.length) - 1].focus();
    });

    // After a conflict: take the other person's figure, or keep mine (the checkbox does that).
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-take-text]");
      if (!button) { return; }
      var input = document.getElementById(button.dataset.cell);
      var row = input.closest("tr");
      input.dataset.original = button.dataset.takeText;
      row.querySelector("input[name^='o-']").value = button.dataset.takeText;
      row.querySelector("input[name^='r-']").value = button.dataset.takeRevision;
      var box = button.closest(".conflict");
      setValue(input, button.dataset.takeText);
      row.classList.remove("has-conflict");
      box.remove();
      input.focus();
    });

    document.body.addEventListener("htmx:afterSwap", function (event) {
      var state = event.detail.target;
      if (!state || !state.id || state.id.indexOf("st-") !== 0) { return; }
      var fresh = document.getElementById(state.id);
      var input = document.getElementById("c-" + state.id.slice(3));
      if (fresh && input) {
        if (fresh.dataset.level === "error") { input.setAttribute("aria-invalid", "true"); }
        else { input.removeAttribute("aria-invalid"); }
      }
    });

    // After a save the page comes back with the cursor where it was (a red cell first, see below).
    form.addEventListener("submit", function () {
      submitting = true;
      var here = document.activeElement;
      try {
        sessionStorage.setItem("chiso-entry-focus", location.pathname + "|" + (isCell(here) ? here.id : ""));
      } catch (e) { /* storage off: the cursor starts at the top */ }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && form.querySelector("tr.is-changed")) { event.preventDefault(); event.returnValue = ""; }
    });

    cells().forEach(function (input) {
      input.closest("tr").classList.toggle("is-changed", !same(input.value, input.dataset.original || ""));
    });
    refresh();
    rates();
    // After a save that kept some cells (refused): the cursor goes to the first red one.
    var firstBad = form.querySelector("input.cell-input[aria-invalid='true']:not([readonly])");
    var back = "";
    try {
      back = sessionStorage.getItem("chiso-entry-focus") || "";
      sessionStorage.removeItem("chiso-entry-focus");
    } catch (e) { back = ""; }
    var parts = back.split("|");
    var was = parts[0] === location.pathname && parts[1] ? document.getElementById(parts[1]) : null;
    if (firstBad && document.querySelector(".entry-problems")) { firstBad.focus(); firstBad.select(); }
    else if (was && isCell(was)) { was.focus(); was.select(); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
