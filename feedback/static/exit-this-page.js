// "Exit this page", after the GOV.UK Design System's component of that name.
//
// Without this script the button is a plain link to /exit, where Chorus forgets the
// survey this browser was answering and redirects to an everyday site. This script
// makes leaving quicker and leaves less behind:
//   - the page is hidden behind a blank overlay the moment the button is pressed,
//     and the text boxes and choices are emptied, so nothing shows while the next
//     site loads (on a slow phone that can take seconds);
//   - the page is *replaced* in the history (location.replace), so Back cannot
//     return to it;
//   - pressing Shift on its own three times, each press within 5 seconds of the one
//     before, does the same. Shift held for a capital letter, Shift+Tab and
//     Shift+click are not presses of Shift on its own, so typing never exits.
// Lights on the button show the presses so far, and a status region says them.
(function () {
  "use strict";
  var link = document.querySelector("a[data-exit-this-page]");
  if (!link || !document.body.classList) { return; }
  var status = document.querySelector("[data-exit-this-page-status]");

  var PRESSES_TO_EXIT = 3;
  var GAP_MS = 5000; // longest wait between two presses of Shift
  var LEAVING = "exit-this-page-leaving";

  var presses = 0;
  var shiftAlone = false; // Shift is down and nothing else has happened since
  var gapTimer = null;
  var quietTimer = null;
  var overlay = null;
  var lights = makeLights();

  function message(name) {
    return link.getAttribute("data-" + name) || "";
  }

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function makeLights() {
    // Decorative: the status region says the same in words.
    var box = document.createElement("span");
    box.className = "exit-this-page-lights";
    box.setAttribute("aria-hidden", "true");
    box.hidden = true;
    for (var i = 0; i < PRESSES_TO_EXIT; i++) {
      var light = document.createElement("span");
      light.className = "exit-this-page-light";
      box.appendChild(light);
    }
    link.appendChild(box);
    return box;
  }

  function showPresses() {
    lights.hidden = presses === 0;
    var each = lights.children;
    for (var i = 0; i < each.length; i++) {
      each[i].classList.toggle("is-on", i < presses);
    }
  }

  function stopTimers() {
    window.clearTimeout(gapTimer);
    window.clearTimeout(quietTimer);
    gapTimer = quietTimer = null;
  }

  // The presses so far no longer count: too slow, or another key came between.
  function forgetPresses() {
    if (presses === 0) { return; }
    stopTimers();
    presses = 0;
    showPresses();
    say(message("timed-out"));
    quietTimer = window.setTimeout(function () { say(""); }, GAP_MS);
  }

  function countPress() {
    stopTimers();
    presses += 1;
    showPresses();
    if (presses >= PRESSES_TO_EXIT) {
      leave();
      return;
    }
    say(message(presses === PRESSES_TO_EXIT - 1 ? "press-one" : "press-two"));
    gapTimer = window.setTimeout(forgetPresses, GAP_MS);
  }

  function emptyFields() {
    var fields = document.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var type = (field.type || "").toLowerCase();
      if (type === "radio" || type === "checkbox") {
        field.checked = field.defaultChecked = false;
      } else if (field.tagName === "SELECT") {
        for (var j = 0; j < field.options.length; j++) {
          field.options[j].selected = field.options[j].defaultSelected = false;
        }
      } else if (["hidden", "submit", "button", "reset", "image"].indexOf(type) === -1) {
        // defaultValue too: it is what the page was drawn with, i.e. saved answers
        field.value = "";
        field.defaultValue = "";
      }
    }
  }

  function leave() {
    stopTimers();
    presses = 0;
    if (document.activeElement && document.activeElement.blur) {
      document.activeElement.blur(); // puts a phone's keyboard away
    }
    document.body.classList.add(LEAVING);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.className = "exit-this-page-overlay";
      overlay.setAttribute("role", "alert");
      document.body.appendChild(overlay);
    }
    // Text set after the alert is in the page: screen readers announce it more surely.
    overlay.textContent = message("leaving");
    emptyFields();
    window.location.replace(link.href);
  }

  // A page brought back from the back-forward cache would still be blank.
  function showAgain() {
    stopTimers();
    presses = 0;
    showPresses();
    say("");
    document.body.classList.remove(LEAVING);
    if (overlay) {
      overlay.parentNode.removeChild(overlay);
      overlay = null;
    }
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  // Capture: a text box that stops its own key events still lets Shift count.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      // Ctrl+Shift and Alt+Shift switch the keyboard's language: not a press of Shift.
      if (!event.repeat) { shiftAlone = !(event.ctrlKey || event.altKey || event.metaKey); }
      return;
    }
    shiftAlone = false;
    forgetPresses();
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone || event.isComposing) { return; }
    shiftAlone = false;
    countPress();
  }, true);

  document.addEventListener("pointerdown", function () { shiftAlone = false; }, true);

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { showAgain(); }
  });
})();
