// Progressive enhancement for the editor: "添加一行" buttons for list sections. Everything works without it (a
// blank row is always there, and saving adds it); the live figures beside the inputs come from htmx.
(function () {
  "use strict";

  function addRow(fieldset) {
    var prefix = fieldset.dataset.formsetPrefix;
    var total = fieldset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = fieldset.querySelector("template.formset-empty");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    fieldset.querySelector(".formset-rows").appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) { window.htmx.process(row); }
    var first = row.querySelector("input:not([type=hidden]), textarea, select");
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
