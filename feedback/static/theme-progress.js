// Progress of a theme refresh, kept up to date without reloading the page.
// Progressive enhancement: without JavaScript the page has a "Check progress" link;
// with it, the status is asked for every few seconds and the words are updated
// in the page's status region, so screen readers hear the change.
(function () {
  "use strict";
  var box = document.getElementById("theme-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var heading = document.getElementById("progress-heading");
  var words = document.getElementById("progress-words");
  var check = document.getElementById("progress-check");
  var done = document.getElementById("progress-done");

  function show(state) {
    if (state.status === "queued") {
      words.textContent = "Waiting to start.";
    } else if (state.status === "running") {
      words.textContent = state.progress + ".";
    } else if (state.status === "done") {
      heading.textContent = "Themes refreshed";
      document.title = document.title.replace("Finding themes\u2026", "Themes refreshed");
      words.textContent = "Done" + (state.progress ? ": " + state.progress : "") + ".";
    } else {
      heading.textContent = "The themes could not be refreshed";
      words.textContent = state.progress + ". Try again, or ask whoever looks after Chorus.";
    }
    if (state.finished) {
      check.hidden = true;
      done.classList.remove("button-secondary");
    }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        box.setAttribute("data-status", state.status);
        show(state);
        if (!state.finished) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (box.getAttribute("data-status") !== "done" && box.getAttribute("data-status") !== "failed") {
    window.setTimeout(poll, 1500);
  }
})();
