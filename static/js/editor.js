// Progressive enhancement for the editor: "添加一行" buttons for list sections, the unit switch, amounts checked while
// they are typed (the server's rule and wording, mirrored), Enter moving through a list like a spreadsheet, and
// nothing typed lost: a warning before leaving a changed page and a draft kept in the browser until it is saved.
// Everything works without it (a blank row is always there, saving adds it, the server checks every amount); the
// live figures beside the inputs come from htmx.
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
    return grouped(whole) + "." + decimals;
  }

  // "4123560" → "4,123,560": as the server shows a saved amount (evaluations.forms.grouped).
  function grouped(whole) {
    return whole.replace(/\B(?=([0-9]{3})+$)/g, ",");
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
    // What was refused in one unit may be fine in the other (three decimals of 万元), and the other way round.
    form.querySelectorAll("input[data-amount-unit].is-invalid").forEach(checkAmount);
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

  // --- Amounts checked while typed ----------------------------------------------------------------------------
  // The rule of evaluations.money.parse_amount and AmountField, in the same order, with the server's messages (the
  // page carries them as JSON): the server stays the judge, this only says it sooner. When the value becomes valid,
  // the message beside the field goes, the server's too.
  var TYPED_FROM = "０１２３４５６７８９．，－＋　ｅＥ\u2212";
  var TYPED_TO = "0123456789.,-+ eE-";
  var MAX = { yuan: "999999999999.99", wan: "99999999.999999" };
  var PLACES = { yuan: 2, wan: 6 };
  var messages = null;

  function typedText(raw) {
    var t = "";
    for (var i = 0; i < raw.length; i++) {
      var at = TYPED_FROM.indexOf(raw[i]);
      t += at >= 0 ? TYPED_TO[at] : raw[i];
    }
    return t.trim();
  }

  // Whether a plain non-negative number is above the bound, compared on the digits.
  function above(number, bound) {
    var a = number.split("."), b = bound.split(".");
    var whole = a[0].replace(/^0+(?=[0-9])/, "");
    if (whole.length !== b[0].length) { return whole.length > b[0].length; }
    if (whole !== b[0]) { return whole > b[0]; }
    var da = (a[1] || ""), db = b[1];
    while (da.length < db.length) { da += "0"; }
    while (db.length < da.length) { db += "0"; }
    return da > db;
  }

  // The code of the mistake in an amount typed in unit, or null when it is blank or valid.
  function amountMistake(raw, unit) {
    var t = typedText(raw);
    if (t === "") { return null; }
    if (/^[+-]?(?:nan|s?nan|inf|infinity)$/i.test(t) || /^[0-9.,+-]*[eE][0-9+-]*$/.test(t)) { return "special"; }
    if (t[0] === "-" && /^[0-9]+(?:\.[0-9]+)?$/.test(t.slice(1).replace(/,/g, ""))) { return "negative"; }
    var withUnit = /^([¥￥])?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([千万亿]?元|[千万亿])?$/.exec(t);
    if (withUnit && (withUnit[1] || withUnit[3])) { return "unit"; }
    if (/^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$/.test(t)) {
      t = t.replace(/,/g, "");
    } else if (/^[0-9]+(?:,[0-9]+)+(?:\.[0-9]+)?$/.test(t)) {
      return "grouping";
    }
    if (!/^[0-9]+(?:\.[0-9]+)?$/.test(t)) { return "invalid"; }
    if (above(t, MAX[unit])) { return "too_large"; }
    var decimals = (t.split(".")[1] || "").replace(/0+$/, "");
    if (decimals.length > PLACES[unit]) { return "precision"; }
    return null;
  }

  function checkAmount(input) {
    if (!messages) { return; }
    var unit = input.getAttribute("data-amount-unit") === "wan" ? "wan" : "yuan";
    var code = amountMistake(input.value, unit);
    var holder = input.closest("td") || document.getElementById("div_" + input.id) || input.parentElement;
    // The server's message was about the value it received; the field has changed since.
    holder.querySelectorAll(".invalid-feedback:not(.amount-live-error)").forEach(function (old) { old.remove(); });
    var id = input.id + "_live";
    var live = document.getElementById(id);
    // The input is described by the column's help and by the message beside it, if there is one now.
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== input.id + "_error" && x !== id;
    });
    if (code === null) {
      if (live) { live.remove(); }
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); } else {
        input.removeAttribute("aria-describedby");
      }
      return;
    }
    if (!live) {
      live = document.createElement("div");
      live.id = id;
      live.className = "invalid-feedback d-block amount-live-error";
      input.insertAdjacentElement("afterend", live);
    }
    described.push(id);
    input.setAttribute("aria-describedby", described.join(" "));
    live.textContent = messages[unit][code];
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
  }

  function initAmountChecks(form) {
    var data = document.getElementById("amount-messages");
    if (!data) { return; }
    messages = JSON.parse(data.textContent);
    if (!messages.yuan) { messages = null; return; }
    form.addEventListener("input", function (event) {
      if (event.target.matches("input[data-amount-unit]")) { checkAmount(event.target); }
    });
  }

  // --- Enter moves on, as in a spreadsheet ---------------------------------------------------------------------
  // In a list, to the same column of the next row (Shift+Enter: the row above); elsewhere, and after the last row,
  // to the next field. A textarea keeps its newline and a button its click; Enter that confirms a Chinese input
  // method's candidate is the input method's own.
  function fields(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input:not([type=hidden]), select, textarea"),
      function (el) { return !el.disabled && el.offsetParent !== null; }
    );
  }

  function focusField(el) {
    el.focus();
    if (el.tagName === "INPUT" && /^(text|search|number|tel|url|email)?$/.test(el.type) && el.select) { el.select(); }
  }

  function inNextRow(el, step) {
    var cell = el.closest("td");
    var row = el.closest("tbody.formset-row");
    if (!cell || !row) { return null; }
    var line = cell.parentElement;
    var lineIndex = Array.prototype.indexOf.call(row.rows, line);
    var column = Array.prototype.indexOf.call(line.children, cell);
    var other = step > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (other && !other.matches("tbody.formset-row")) {
      other = step > 0 ? other.nextElementSibling : other.previousElementSibling;
    }
    if (!other || !other.rows[lineIndex]) { return null; }
    var target = other.rows[lineIndex].children[column];
    return target ? fields(target).concat([])[0] || null : null;
  }

  function moveOn(form, el, step) {
    var next = inNextRow(el, step);
    if (!next) {
      var all = fields(form);
      next = all[all.indexOf(el) + step] || null;
    }
    if (next) { focusField(next); }
  }

  function initEnter(form) {
    form.addEventListener("keydown", function (event) {
      // defaultPrevented: a list with its own keyboard handling (the indicator grid) has already dealt with it.
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229 || event.defaultPrevented) { return; }
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var el = event.target;
      if (el.tagName === "SELECT" || (el.tagName === "INPUT" && !/^(button|submit|reset|image|file)$/.test(el.type))) {
        event.preventDefault();
        moveOn(form, el, event.shiftKey ? -1 : 1);
      }
    });
  }

  // --- Nothing typed is lost ---------------------------------------------------------------------------------
  // The page's values are compared with those it was loaded with: leaving a changed page (a tab, a link, closing
  // it) asks first. What is typed is also kept in localStorage under the page's key (evaluation, section, and the
  // revision the page was loaded with), so that after a crash or a closed tab the page puts it back, says so, and
  // offers to discard it. A successful save (the next page shows no errors) discards it; a draft of an older
  // revision is dropped, since the section has been saved since and the server would refuse it as stale.
  var SUBMITTED = "editor-submitted";

  function storage(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }

  function snapshot(form) {
    var values = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (el.disabled || el.name === "csrfmiddlewaretoken" || el.name === "page-revision") { return; }
      if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; } else if (!(el.name in values)) { values[el.name] = null; }
      } else if (el.type === "checkbox") {
        values[el.name] = el.checked;
      } else if (el.type !== "hidden" || /-TOTAL_FORMS$/.test(el.name) || el.classList.contains("amount-typed-in")) {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    // Rows added before the draft was taken are added again first, then the unit its amounts were typed in.
    form.querySelectorAll("fieldset.formset").forEach(function (fieldset) {
      var total = fieldset.querySelector('input[name$="-TOTAL_FORMS"]');
      var wanted = parseInt(values[total.name], 10);
      while (fieldset.querySelector("template.formset-empty") && parseInt(total.value, 10) < wanted) { addRow(fieldset); }
    });
    var typedIn = form.querySelector("input.amount-typed-in");
    var box = document.querySelector(".amount-unit");
    if (typedIn && box && values[typedIn.name] && values[typedIn.name] !== typedIn.value) {
      changeUnit(form, box, values[typedIn.name]);
    }
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (!(el.name in values) || el.type === "hidden" || el.disabled) { return; }
      var value = values[el.name];
      if (el.type === "radio") { el.checked = el.value === value; } else if (el.type === "checkbox") {
        el.checked = !!value;
      } else if (el.value !== value) {
        el.value = value;
        // Only what was put back is checked again: a message about an untouched field stays.
        if (el.matches("input[data-amount-unit]")) { checkAmount(el); }
      }
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function initDraft(form) {
    var key = form.getAttribute("data-draft");
    var local = storage("localStorage");
    var session = storage("sessionStorage");
    if (!key || !local) { return; }
    var prefix = key.slice(0, key.lastIndexOf(":") + 1);
    var hasErrors = !!document.getElementById("error-summary");

    // The page before this one was this editor's save: without errors on this page, it was saved.
    var submitted = session && session.getItem(SUBMITTED);
    if (submitted) {
      session.removeItem(SUBMITTED);
      if (!hasErrors || submitted !== key) { local.removeItem(submitted); }
    }
    for (var i = local.length - 1; i >= 0; i--) {
      var stored = local.key(i);
      if (stored && stored.indexOf(prefix) === 0 && stored !== key) { local.removeItem(stored); }
    }

    var initial = snapshot(form);
    var draft = null;
    try { draft = JSON.parse(local.getItem(key) || "null"); } catch (e) { draft = null; }
    if (draft && draft.values && !same(draft.values, initial)) {
      apply(form, draft.values);
      var notice = document.getElementById("draft-restored-template").content.firstElementChild.cloneNode(true);
      var time = notice.querySelector(".draft-time");
      var at = new Date(draft.savedAt);
      time.setAttribute("datetime", at.toISOString());
      time.textContent = at.toLocaleString();
      form.parentNode.insertBefore(notice, form);
      notice.querySelector(".draft-discard").addEventListener("click", function () {
        local.removeItem(key);
        leaving = true;
        window.location.href = form.getAttribute("action");
      });
      // The live figures follow what was put back, once htmx listens (it starts on DOMContentLoaded, after this).
      var refresh = function () { form.dispatchEvent(new Event("change", { bubbles: true })); };
      if (document.readyState === "complete") { refresh(); } else { window.addEventListener("load", refresh); }
    }

    var unsaved = form.hasAttribute("data-unsaved");
    var leaving = false;
    var timer = null;
    function keep() {
      timer = null;
      var values = snapshot(form);
      try {
        // A page refused by the server holds typing that is saved nowhere else: its draft stays.
        if (same(values, initial) && !unsaved) { local.removeItem(key); } else {
          local.setItem(key, JSON.stringify({ savedAt: Date.now(), values: values }));
        }
      } catch (e) { /* storage full or refused: the warning before leaving still protects the typing */ }
    }
    function changed() {
      if (timer === null) { timer = window.setTimeout(keep, 300); }
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("click", function (event) {
      if (event.target.closest(".formset-add")) { changed(); }
    });
    form.addEventListener("submit", function () {
      leaving = true;
      if (timer !== null) { window.clearTimeout(timer); keep(); }
      if (session) { session.setItem(SUBMITTED, key); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || (!unsaved && same(snapshot(form), initial))) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function init() {
    var form = document.querySelector("form.editor-form");
    if (form && !form.hasAttribute("data-locked")) {
      initAmountChecks(form);
      initEnter(form);
      initDraft(form);
    }
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
