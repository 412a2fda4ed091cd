// Check-in page: refresh the counts every 15 seconds so that several doors see the same numbers.
(function () {
  "use strict";
  function refresh(container) {
    fetch(container.dataset.countsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        container.querySelectorAll("[data-count]").forEach(function (element) {
          var value = counts[element.dataset.count];
          if (value !== undefined) { element.textContent = value; }
        });
      })
      .catch(function () { /* offline for a moment: keep the last numbers */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var container = document.querySelector("[data-counts-url]");
    if (container) { window.setInterval(function () { refresh(container); }, 15000); }
    // A ticket checked in by the camera (checkin-scan.js) shows in the numbers at once.
    document.addEventListener("check-in:scanned", function () { if (container) { refresh(container); } });
  });
})();
