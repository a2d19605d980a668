// budgetdoc workbench: the little JavaScript that helps (the pages work without it, just refresh).
(function () {
  "use strict";
  // Pages still being processed: ask for the state every 1.5 s and reload when it changes.
  var poll = document.querySelector("[data-poll]");
  if (poll) {
    var url = poll.getAttribute("data-poll");
    var seen = poll.getAttribute("data-state");
    var tick = function () {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          var now = (s.state || "") + "|" + (s.pdf !== undefined ? s.pdf : s.done);
          if (now !== seen) { window.location.reload(); } else { setTimeout(tick, 1500); }
        })
        .catch(function () { setTimeout(tick, 5000); });
    };
    setTimeout(tick, 1500);
  }
  // Upload buttons: show that something is happening and prevent a double submit.
  document.querySelectorAll("form.upload").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "正在上传…"; }
    });
  });
  // Error pages: "back" goes back when there is somewhere to go.
  document.querySelectorAll("[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });
})();
