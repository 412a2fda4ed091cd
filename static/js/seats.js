// Seat badges and the registration box stay current while the page itself may come from the
// page cache (up to a minute old): read the live state at once and then every few seconds
// while the page is visible, and put in the fragments that have changed. Without the script
// the page shows the state it was rendered with.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;
  var script = document.currentScript;
  var url = script && script.dataset.seatsUrl;
  var timer = null;
  var probe = document.createElement("template");

  function targets() {
    return document.querySelectorAll("[data-seat-badge], [data-seat-box]");
  }

  function refresh() {
    var ids = {};
    targets().forEach(function (element) {
      ids[element.dataset.seatBadge || element.dataset.seatBox] = true;
    });
    var query = Object.keys(ids).map(function (id) { return "id=" + encodeURIComponent(id); });
    if (!query.length) { return; }
    fetch(url + "?" + query.join("&"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer) { return; }
        targets().forEach(function (element) {
          var state = answer.events[element.dataset.seatBadge || element.dataset.seatBox];
          if (!state) { return; }
          // Compared as the browser writes them, so that an unchanged state is left alone
          // (the registration box is a live region: a change is read out).
          probe.innerHTML = element.dataset.seatBadge ? state.badge : state.registration;
          if (probe.innerHTML.trim() !== element.innerHTML.trim()) {
            element.innerHTML = probe.innerHTML;
          }
        });
      })
      .catch(function () { /* offline for a moment: keep what is shown */ });
  }

  function start() {
    if (timer === null && !document.hidden) {
      refresh();
      timer = window.setInterval(refresh, INTERVAL_MS);
    }
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  if (!url) { return; }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { start(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
