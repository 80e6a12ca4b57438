// A row typed as new in one list can be chosen in another list of the same page before anything is saved: a new
// source of funds in the project items' "资金来源", a new theme in the indicators' "所属成效". The option's value
// is the row's key on the page ("new:2"); the server creates the new row first and links to it in the same save,
// and offers the same options when it shows the page again after a refused save. Without this script, a new row can
// be chosen after a save.
(function () {
  "use strict";

  var KEY = "new:";

  function typedChoices(config) {
    var fieldset = document.getElementById("formset-" + config.from);
    if (!fieldset) { return []; }
    var initial = parseInt(fieldset.querySelector('input[name="' + config.from + '-INITIAL_FORMS"]').value, 10);
    var choices = [];
    fieldset.querySelectorAll("input, textarea").forEach(function (input) {
      var parts = input.name.split("-");
      if (parts.length !== 3 || parts[0] !== config.from || parts[2] !== config.field) { return; }
      var index = parseInt(parts[1], 10);
      if (isNaN(index) || index < initial) { return; }
      var deleted = fieldset.querySelector('input[name="' + config.from + "-" + index + '-DELETE"]');
      var label = input.value.trim();
      if (label && !(deleted && deleted.checked)) { choices.push([KEY + index, label]); }
    });
    return choices;
  }

  function syncSelect(select, choices) {
    var wanted = {};
    choices.forEach(function (choice) { wanted[choice[0]] = choice[1]; });
    Array.prototype.slice.call(select.options).forEach(function (option) {
      if (option.value.indexOf(KEY) !== 0) { return; }
      if (option.value in wanted) {
        option.textContent = wanted[option.value];
        delete wanted[option.value];
      } else {
        option.remove();
      }
    });
    choices.forEach(function (choice) {
      if (!(choice[0] in wanted)) { return; }
      var option = document.createElement("option");
      option.value = choice[0];
      option.textContent = choice[1];
      select.appendChild(option);
    });
  }

  function sync(config) {
    var choices = typedChoices(config);
    var selector = 'select[name$="-' + config.select + '"]';
    var roots = [document];
    // The copy "添加一行" inserts, so that a row added later offers them too.
    document.querySelectorAll("template.formset-empty").forEach(function (t) { roots.push(t.content); });
    roots.forEach(function (root) {
      root.querySelectorAll(selector).forEach(function (select) { syncSelect(select, choices); });
    });
  }

  function init() {
    document.querySelectorAll("[data-new-choices-from]").forEach(function (element) {
      var config = {
        from: element.dataset.newChoicesFrom,
        field: element.dataset.newChoicesField,
        select: element.dataset.newChoicesSelect
      };
      var fieldset = document.getElementById("formset-" + config.from);
      if (!fieldset) { return; }
      ["input", "change"].forEach(function (type) {
        fieldset.addEventListener(type, function () { sync(config); });
      });
      sync(config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
