// A form that came back with mistakes: the error summary at the top of the page
// (templates/includes/error_summary.html) takes the focus, so that a screen reader reads it
// first and the keyboard starts from it; each of its links puts the focus in the field it
// names, with the field's label scrolled into view above it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var input = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!input) return;
    event.preventDefault();
    var label = document.querySelector("label[for='" + CSS.escape(input.id) + "']");
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    // "instant": Bootstrap makes scrolling smooth, which would move the page after the focus.
    (label || legend || input).scrollIntoView({block: "start", behavior: "instant"});
    input.focus({preventScroll: true});
  });
})();
