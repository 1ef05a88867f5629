// Small enhancements for the handbook. Every page works without them.
(function () {
  "use strict";

  // The first use of each abbreviation on a page can be reached by keyboard; focus shows its
  // expansion (CSS). Abbreviations inside links stay as they are, so no control is nested.
  function focusableAbbreviations() {
    var seen = {};
    document.querySelectorAll(".md-content abbr[title]").forEach(function (abbr) {
      var key = abbr.textContent;
      if (seen[key] || abbr.closest("a, button, summary")) {
        return;
      }
      seen[key] = true;
      abbr.tabIndex = 0;
    });
  }

  // "Udskriv kun dette skema": print one form; without JavaScript the page prints every form.
  function printButtons() {
    document.querySelectorAll("[data-ih-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var form = document.getElementById(button.getAttribute("data-ih-print"));
        document.body.setAttribute("data-ih-print", form.id);
        form.classList.add("ih-form--printing");
        window.addEventListener("afterprint", function () {
          document.body.removeAttribute("data-ih-print");
          form.classList.remove("ih-form--printing");
        }, { once: true });
        window.print();
      });
    });
  }

  function setup() {
    focusableAbbreviations();
    printButtons();
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
