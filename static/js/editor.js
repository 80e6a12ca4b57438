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

  // --- The amount unit (元 / 万元) of a budget page ---------------------------------------------------------
  // Changing the unit converts what is on the page, exactly (a shift of the decimal point by four places, done on
  // the digits: no floating point), renames the labels and tells the server which unit the amounts are now in.
  // What cannot be read as a number is left as typed; the server refuses it beside its field as before.
  var FULL_WIDTH = "０１２３４５６７８９．，";
  var HALF_WIDTH = "0123456789.,";

  function plainNumber(text) {
    var t = "";
    for (var i = 0; i < text.length; i++) {
      var at = FULL_WIDTH.indexOf(text[i]);
      t += at >= 0 ? HALF_WIDTH[at] : text[i];
    }
    t = t.replace(/[\s\u3000]/g, "");
    if (/^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$/.test(t)) { t = t.replace(/,/g, ""); }
    return /^[0-9]+(\.[0-9]+)?$/.test(t) ? t : null;
  }

  // "3864449.00" shifted by -4 is "386.4449"; "386.4449" by +4 is "3864449.00". At least two decimals.
  function shiftPoint(text, places) {
    var parts = text.split(".");
    var digits = parts[0] + (parts[1] || "");
    var point = parts[0].length + places;
    if (point < 1) { digits = new Array(2 - point).join("0") + digits; point = 1; }
    if (point > digits.length) { digits += new Array(point - digits.length + 1).join("0"); }
    var whole = digits.slice(0, point).replace(/^0+(?=[0-9])/, "");
    var decimals = digits.slice(point).replace(/0+$/, "");
    while (decimals.length < 2) { decimals += "0"; }
    return whole + "." + decimals;
  }

  function replaceSuffix(root, from, to) {
    // Labels, column headers and the hidden per-row labels name the unit at the end of a text node.
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var at = node.nodeValue.lastIndexOf(from);
      if (at >= 0 && node.parentElement && node.parentElement.closest("label, th, legend")) {
        node.nodeValue = node.nodeValue.slice(0, at) + to + node.nodeValue.slice(at + from.length);
      }
    }
  }

  function changeUnit(form, box, unit) {
    var typedIn = form.querySelector("input.amount-typed-in");
    var from = typedIn.value;
    if (!unit || unit === from) { return; }
    var places = unit === "wan" ? -4 : 4;
    var roots = [form];
    form.querySelectorAll("template").forEach(function (t) { roots.push(t.content); });
    roots.forEach(function (root) {
      root.querySelectorAll("input[data-amount-unit]").forEach(function (input) {
        var number = plainNumber(input.value);
        if (number !== null) { input.value = shiftPoint(number, places); }
        input.setAttribute("data-amount-unit", unit);
      });
      replaceSuffix(root, box.dataset["suffix" + (from === "wan" ? "Wan" : "Yuan")],
        box.dataset["suffix" + (unit === "wan" ? "Wan" : "Yuan")]);
    });
    typedIn.value = unit;
  }

  function initAmountUnit() {
    var box = document.querySelector(".amount-unit");
    if (!box) { return; }
    var form = box.closest("form");
    box.querySelectorAll("input.amount-unit-choice, input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked) { changeUnit(form, box, radio.value); }
      });
    });
  }

  function init() {
    initAmountUnit();
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
