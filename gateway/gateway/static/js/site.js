// The site's behaviour, kept in this file (strict CSP: no inline script, no
// hx-on, no eval).  Every page works without it.
(function () {
  "use strict";

  // A refused form: move focus to its error summary so it is read out at once.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("#error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // Links inside the summary move focus to the field, not only scroll to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });
})();
