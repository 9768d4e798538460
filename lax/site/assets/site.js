// lax site: sorting for tables and the wall chart's search and filters. The pages read without it.
"use strict";
(function () {
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var kind = th.getAttribute("data-sort");
      if (!kind || kind === "none") return;
      th.tabIndex = 0;
      function go() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[col];
          var v = cell.getAttribute("data-v");
          if (v === null) v = cell.textContent;
          return kind === "num" ? parseFloat(v) || 0 : v;
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var c = kind === "num" ? x - y : String(x).localeCompare(String(y), document.documentElement.lang);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") go(); });
    });
  }

  function filters(form) {
    var tiles = Array.prototype.slice.call(document.querySelectorAll("a.tile"));
    var groups = Array.prototype.slice.call(document.querySelectorAll("section.township"));
    var data = tiles.map(function (t) {
      return { el: t, t: t.parentNode.parentNode.getAttribute("data-t"), s: t.getAttribute("data-s"),
               c: " " + t.getAttribute("data-c") + " ", n: t.getAttribute("data-n"),
               overdue: t.classList.contains("overdue"), due: t.classList.contains("due-soon") };
    });
    function apply() {
      var q = form.q.value.trim().toLowerCase(), t = form.t.value, s = form.s.value, c = form.c.value;
      var shown = 0, per = {};
      data.forEach(function (d) {
        var ok = (!q || d.n.indexOf(q) >= 0) && (!t || d.t === t) && (!c || d.c.indexOf(" " + c + " ") >= 0) &&
          (!s || (s === "overdue" ? d.overdue : s === "due" ? d.due : d.s === s));
        if (d.el.hidden === ok) d.el.hidden = !ok;
        if (ok) { shown++; per[d.t] = true; }
      });
      groups.forEach(function (g) { g.hidden = !per[g.getAttribute("data-t")]; });
      form.n.value = shown + " / " + data.length;
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    var hash = decodeURIComponent(location.hash.slice(1));
    form.hidden = false;
    // A form the browser restored (going back to the page) is applied; a fresh one leaves every tile as it is.
    if (form.q.value || form.t.value || form.s.value || form.c.value) apply();
    else form.n.value = data.length + " / " + data.length;
    if (hash) { var target = document.getElementById(hash); if (target) target.scrollIntoView(); }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
    Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (e) { e.hidden = false; });
    var form = document.getElementById("filter");
    if (form) filters(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
