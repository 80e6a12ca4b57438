// Progressive enhancement for the editor: "添加一行" buttons for list sections. Everything works without it (a
// blank row is always there, and saving adds it); the live figures beside the inputs come from htmx.
(function () {
  "use strict";

  function addRow(fieldset) {
    var prefix = fieldset.dataset.formsetPrefix;
    var total = fieldset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = fieldset.querySelector("template.formset-empty");
    var index = parseInt(total.value, 10);
    // __row__ is the row's number in its hidden labels ("第8行 内设机构"), counted from 1 like the error summary.
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__row__/g, String(index + 1));
    // A <template> parses table rows in place; a <div> would drop the <tbody>, <tr> and <td> tags.
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var row = holder.content.firstElementChild;
    fieldset.querySelector(".formset-rows").appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) { window.htmx.process(row); }
    // Straight to the first thing to type, past the row's order number.
    var first = row.querySelector("input:not([type=hidden]):not(.order-input), textarea, select");
    if (first) { first.focus(); }
  }

  function init() {
    document.querySelectorAll("fieldset.formset").forEach(function (fieldset) {
      var button = fieldset.querySelector(".formset-add");
      if (!button) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { addRow(fieldset); });
    });
    // After an unsuccessful save, take keyboard and screen-reader users to the summary of errors.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
