// The indicator grid of the achievements page, for the keyboard: one tab stop into the grid (a roving tabindex),
// arrow keys between cells, Enter or F2 to edit a cell, Esc or Enter to stop editing, PageDown / PageUp to the next
// or previous indicator, and each indicator's details row (所属成效, 偏差原因, 排名, 定性, 评分) behind a disclosure
// button. Without this script every input is a tab stop and every details row stays open: the page still works.
(function () {
  "use strict";

  var CELLS = "input:not([type=hidden]), select, textarea, button";

  function rows(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll("tbody.formset-row > tr.indicator-main"));
  }

  function cellsOf(row) {
    return Array.prototype.filter.call(row.querySelectorAll(CELLS), function (el) { return !el.hidden; });
  }

  function detailsOf(row) {
    var toggle = row.querySelector(".indicator-toggle");
    return toggle ? document.getElementById(toggle.getAttribute("aria-controls")) : null;
  }

  // Only one cell of the grid is in the tab order: the one last used (the first one at the start).
  function activate(grid, cell) {
    rows(grid).forEach(function (row) {
      cellsOf(row).forEach(function (el) { el.tabIndex = el === cell ? 0 : -1; });
    });
  }

  function refresh(grid) {
    var current = grid.querySelector("tr.indicator-main [tabindex='0']");
    var first = rows(grid).length ? cellsOf(rows(grid)[0])[0] : null;
    activate(grid, current && grid.contains(current) ? current : first);
    rows(grid).forEach(function (row) { setUpRow(row); });
  }

  function setExpanded(row, open) {
    var toggle = row.querySelector(".indicator-toggle");
    var details = detailsOf(row);
    if (!toggle || !details) { return; }
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    details.hidden = !open;
  }

  function setUpRow(row) {
    if (row.dataset.gridReady) { return; }
    row.dataset.gridReady = "1";
    var toggle = row.querySelector(".indicator-toggle");
    var details = detailsOf(row);
    if (!toggle || !details) { return; }
    toggle.hidden = false;
    // A details row with an error stays open, so that the error is seen beside its field.
    setExpanded(row, details.hasAttribute("data-open"));
    var next = details.querySelector(".indicator-next");
    if (next) { next.hidden = false; }
  }

  function focusCell(grid, cell, editing) {
    if (!cell) { return; }
    activate(grid, cell);
    grid.dataset.editing = editing ? "1" : "";
    cell.focus();
    if (cell.scrollIntoView) { cell.scrollIntoView({ block: "nearest", inline: "nearest" }); }
  }

  function nameCell(row) {
    return row.querySelector(".col-name input") || cellsOf(row)[0];
  }

  function isTextual(el) {
    return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(el.type));
  }

  function startEditing(grid, cell) {
    grid.dataset.editing = "1";
    if (isTextual(cell) && cell.setSelectionRange) {
      var end = cell.value.length;
      cell.setSelectionRange(end, end);
    }
  }

  function onKey(grid, event) {
    var cell = event.target;
    var row = cell.closest("tr.indicator-main");
    if (!row) { return; }
    var editing = grid.dataset.editing === "1";
    var all = rows(grid);
    var rowIndex = all.indexOf(row);
    var cells = cellsOf(row);
    var column = cells.indexOf(cell);
    var key = event.key;
    var target = null;

    if (editing) {
      if (key === "Escape" || key === "F2" || (key === "Enter" && cell.tagName !== "TEXTAREA")) {
        grid.dataset.editing = "";
      } else {
        return;
      }
    } else if (key === "ArrowRight") {
      target = cells[column + 1];
    } else if (key === "ArrowLeft") {
      target = cells[column - 1];
    } else if (key === "ArrowDown" || key === "ArrowUp") {
      var other = all[rowIndex + (key === "ArrowDown" ? 1 : -1)];
      if (other) { var there = cellsOf(other); target = there[Math.min(column, there.length - 1)]; }
    } else if (key === "PageDown" || key === "PageUp") {
      var skip = all[rowIndex + (key === "PageDown" ? 1 : -1)];
      if (skip) { target = nameCell(skip); }
    } else if (key === "Home") {
      target = cells[0];
    } else if (key === "End") {
      target = cells[cells.length - 1];
    } else if ((key === "Enter" || key === "F2") && cell.tagName !== "BUTTON" && cell.type !== "checkbox") {
      startEditing(grid, cell);
    } else if (key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && isTextual(cell)) {
      // Typing on a cell starts editing it, as in a spreadsheet: the character goes in at the end.
      startEditing(grid, cell);
      return;
    } else {
      return;
    }
    // Handled here: not a form submission, nor another script's Enter.
    event.preventDefault();
    event.stopPropagation();
    if (target) { focusCell(grid, target, false); }
  }

  function init() {
    var fieldset = document.getElementById("formset-indicators");
    if (!fieldset) { return; }
    var grid = fieldset.querySelector("table.formset-table");
    grid.classList.add("indicator-grid");
    var hint = document.getElementById("indicator-grid-hint");
    if (hint) { hint.hidden = false; grid.setAttribute("aria-describedby", hint.id); }
    refresh(grid);

    grid.addEventListener("keydown", function (event) { onKey(grid, event); });
    grid.addEventListener("focusin", function (event) {
      var cell = event.target;
      if (cell.closest("tr.indicator-main")) { activate(grid, cell); }
    });
    // A click puts the cell straight into editing; leaving the grid ends it.
    grid.addEventListener("mousedown", function (event) {
      var cell = event.target.closest("tr.indicator-main") ? event.target : null;
      if (cell) { grid.dataset.editing = isTextual(cell) ? "1" : ""; }
    });
    grid.addEventListener("focusout", function (event) {
      if (!grid.contains(event.relatedTarget)) { grid.dataset.editing = ""; }
    });
    grid.addEventListener("click", function (event) {
      var toggle = event.target.closest(".indicator-toggle");
      if (toggle) {
        var row = toggle.closest("tr.indicator-main");
        var open = toggle.getAttribute("aria-expanded") !== "true";
        setExpanded(row, open);
        var first = open ? detailsOf(row).querySelector("input:not([type=hidden]), select, textarea") : null;
        if (first && event.detail === 0) { first.focus(); }  // by keyboard: straight to the first detail
        return;
      }
      var next = event.target.closest(".indicator-next");
      if (next) {
        var all = rows(grid);
        var mine = next.closest("tbody").querySelector("tr.indicator-main");
        var following = all[all.indexOf(mine) + 1];
        if (following) { focusCell(grid, nameCell(following), false); }
      }
    });
    // Esc in a details row goes back to its disclosure button.
    grid.addEventListener("keydown", function (event) {
      var details = event.target.closest("tr.indicator-details");
      if (!details || event.key !== "Escape") { return; }
      var toggle = details.closest("tbody").querySelector(".indicator-toggle");
      if (toggle) { event.preventDefault(); focusCell(grid, toggle, false); }
    });
    // Rows added by "添加一行" join the grid.
    new MutationObserver(function () { refresh(grid); }).observe(grid, { childList: true });

    // A link of the error summary opens the details row its field is in, so it lands on a visible, labelled field.
    function reveal(id) {
      var field = id && document.getElementById(id);
      var details = field && field.closest("tr.indicator-details");
      if (details && details.hidden) {
        setExpanded(details.closest("tbody").querySelector("tr.indicator-main"), true);
      }
      return field && grid.contains(field) ? field : null;
    }
    document.querySelectorAll("#error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = reveal(link.getAttribute("href").slice(1));
        if (!field) { return; }
        // Into the field itself, ready to type (a fragment link alone would only scroll); the scroll margin keeps
        // the indicator's line with its name in view above it.
        event.preventDefault();
        if (field.closest("tr.indicator-main")) { activate(grid, field); }
        grid.dataset.editing = "1";
        field.focus();
        field.scrollIntoView({ block: "start" });
      });
    });
    if (location.hash) { reveal(decodeURIComponent(location.hash.slice(1))); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
