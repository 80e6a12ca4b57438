/* Shows that a slow form submission (upload, import, publishing) is under way. */
// Enhancement only: without JavaScript the forms submit the same way, just without the busy state. The buttons
// are disabled after the event, so that the pressed button's name still goes with the form.
document.querySelectorAll("form[data-busy]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var button = event.submitter || form.querySelector("button[type=submit]");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      if (!button) { return; }
      button.setAttribute("aria-busy", "true");
      var text = button.getAttribute("data-busy-text");
      if (text) {
        button.textContent = "";
        var spinner = document.createElement("span");
        spinner.className = "spinner-border spinner-border-sm me-2";
        spinner.setAttribute("aria-hidden", "true");
        button.appendChild(spinner);
        button.appendChild(document.createTextNode(text));
      }
    }, 0);
  });
});
