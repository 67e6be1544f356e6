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

  // Sign-up: the field for one's own security question shows only when that
  // choice is made (without JavaScript both are simply shown).
  function showOwnQuestion() {
    var choice = document.getElementById("security_question");
    var own = document.getElementById("own_security_question-field");
    if (choice && own) {
      own.hidden = choice.value !== "own";
    }
  }

  // The member's toolbar folds behind its Menu button on a phone (the CSS
  // folds it only under .foldable, so without JavaScript the list is shown).
  // The button says whether the menu is open (aria-expanded); Escape closes it
  // and gives focus back to the button.
  function foldToolbar() {
    var toolbar = document.querySelector(".toolbar");
    var button = toolbar && toolbar.querySelector(".toolbar-toggle");
    if (!button) {
      return;
    }
    button.hidden = false;
    button.setAttribute("aria-expanded", "false");
    toolbar.classList.add("foldable");
    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded",
                          button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    });
    toolbar.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var open = toolbar.querySelector("details[open]");
      if (open) {  // the module selector first, then the menu
        open.open = false;
        open.querySelector("summary").focus();
      } else if (button.getAttribute("aria-expanded") === "true" &&
                 getComputedStyle(button).display !== "none") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  // A live count of the characters left (the profile's headline).  The limit
  // itself is the service's: it refuses a longer text, with or without this.
  // The visible count follows every key; screen readers hear it once typing
  // pauses, not on every key.
  var countTimers = {};
  function updateCount(input) {
    var count = document.getElementById(input.getAttribute("data-count-id"));
    if (!count) {
      return;
    }
    var left = parseInt(input.getAttribute("data-count-limit"), 10) - Array.from(input.value).length;
    var kind = (left >= 0 ? "data-left" : "data-over") + (Math.abs(left) === 1 ? "-one" : "");
    var text = count.getAttribute(kind).replace("{n}", String(Math.abs(left)));
    count.hidden = false;
    count.textContent = text;
    count.classList.toggle("over", left < 0);
    var status = document.getElementById(count.id + "-status");
    if (status) {
      clearTimeout(countTimers[count.id]);
      countTimers[count.id] = setTimeout(function () { status.textContent = text; }, 1000);
    }
  }

  // The unread badge asks /notifications/badge every 10 s (htmx), and every
  // request counts as activity for the session's 30 minute idle limit.  So a
  // tab nobody uses stops asking after 25 minutes without a key, click, touch
  // or scroll, and lets the session end as it should; a hidden tab does not
  // ask either.  The next tick after the member is back asks again.
  var BADGE_IDLE_MS = 25 * 60 * 1000;
  var lastActivity = Date.now();
  ["keydown", "pointerdown", "wheel", "scroll", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function () { lastActivity = Date.now(); },
                              {capture: true, passive: true});
  });
  document.addEventListener("htmx:confirm", function (event) {
    if (event.target.id === "unread-badge" &&
        (document.hidden || Date.now() - lastActivity > BADGE_IDLE_MS)) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    showOwnQuestion();
    foldToolbar();
    document.querySelectorAll("[data-count-limit]").forEach(updateCount);
  });
  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-count-limit")) {
      updateCount(event.target);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "security_question") {
      showOwnQuestion();
    }
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
