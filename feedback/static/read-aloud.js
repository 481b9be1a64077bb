// Read the question aloud with the browser's own speech synthesis.
// Progressive enhancement: the button stays hidden where speech is not supported,
// and nothing is sent anywhere.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") {
    return;
  }
  var button = document.querySelector("[data-read-aloud]");
  if (!button) { return; }
  button.closest(".read-aloud").hidden = false;

  function textOf(selector) {
    return Array.prototype.map.call(document.querySelectorAll(selector), function (el) {
      return el.textContent.trim();
    }).filter(Boolean);
  }

  button.addEventListener("click", function () {
    var parts = textOf("main .question-text")
      .concat(textOf("main .hint"))
      .concat(textOf("main .radios-label, main .checkboxes-label, main .smiley-word"));
    var utterance = new SpeechSynthesisUtterance(parts.join(". "));
    utterance.lang = document.documentElement.lang || "en";
    utterance.rate = 0.9;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  });
})();
