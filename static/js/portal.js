// The portal's search box suggests the names of units with published reports as one types (the list comes from
// /portal/units.json, cached on the server). Enhancement only: without JavaScript the box is a plain search field
// and the form works the same. A <datalist> keeps the keyboard and screen-reader behaviour the browser's own.
(function () {
  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var url = input.getAttribute("data-suggest-url");
  var timer = null;
  var asked = null;

  function show(results) {
    list.textContent = "";
    results.forEach(function (unit) {
      var option = document.createElement("option");
      option.value = unit.name;
      var details = [unit.short_name, unit.region].filter(Boolean).join(" · ");
      if (details) { option.label = unit.name + "（" + details + "）"; }
      list.appendChild(option);
    });
  }

  function ask() {
    var q = input.value.trim();
    if (q === asked) { return; }
    asked = q;
    if (!q) { show([]); return; }
    fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        // An answer to an earlier keystroke that arrives late must not replace the current one.
        if (data && data.q === input.value.trim()) { show(data.results); }
      })
      .catch(function () { /* No suggestions; the search still works. */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
})();
