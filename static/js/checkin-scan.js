// Check-in page: scan tickets live with the camera where the browser has BarcodeDetector
// (Chrome on Android, Safari is not there yet), and submit a photo as soon as it is taken.
// Without this script the photo and the typed code still work as plain forms.
(function () {
  "use strict";
  var SAME_CODE_PAUSE = 4000; // ms before the same ticket in front of the camera counts again
  var FRAME_EVERY = 200;

  function show(section, answer) {
    var panel = section.querySelector("[data-scan-result]");
    panel.className = "scan-result scan-result-" + (answer.tone || "danger");
    panel.querySelector("[data-scan-heading]").textContent = answer.heading || section.dataset.textNotValid;
    panel.querySelector("[data-scan-name]").textContent = answer.name || "";
    panel.querySelector("[data-scan-message]").textContent = answer.message || "";
    panel.hidden = false;
  }

  function send(section, code) {
    var token = section.querySelector("input[name=csrfmiddlewaretoken]").value;
    var body = new FormData();
    body.append("code", code);
    return fetch(section.dataset.scanUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { throw new Error("not JSON"); }
        return response.json();
      })
      .then(function (answer) {
        show(section, answer);
        document.dispatchEvent(new CustomEvent("check-in:scanned", { detail: answer }));
      })
      .catch(function () { show(section, { tone: "danger", message: section.dataset.textUnreachable }); });
  }

  function startCamera(section, formats) {
    var box = section.querySelector("[data-camera]");
    var video = box.querySelector("[data-camera-video]");
    var start = box.querySelector("[data-camera-start]");
    var stop = box.querySelector("[data-camera-stop]");
    var detector = new window.BarcodeDetector({ formats: formats });
    var stream = null;
    var timer = null;
    var busy = false;
    var last = { code: "", at: 0 };

    function halt() {
      window.clearTimeout(timer);
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      video.hidden = true;
      stop.hidden = true;
      start.hidden = false;
    }

    function look() {
      if (!stream) { return; }
      if (busy || video.readyState < 2) { timer = window.setTimeout(look, FRAME_EVERY); return; }
      busy = true;
      detector.detect(video)
        .then(function (found) {
          var now = Date.now();
          var code = found.length ? found[0].rawValue : "";
          if (code && (code !== last.code || now - last.at > SAME_CODE_PAUSE)) {
            last = { code: code, at: now };
            if (navigator.vibrate) { navigator.vibrate(80); }
            return send(section, code);
          }
          return null;
        })
        .catch(function () { /* a frame that could not be read: try the next */ })
        .then(function () {
          busy = false;
          timer = window.setTimeout(look, FRAME_EVERY);
        });
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          stop.hidden = false;
          start.hidden = true;
          return video.play();
        })
        .then(look)
        .catch(function () {
          halt();
          show(section, { tone: "danger", message: section.dataset.textNoCamera });
        });
    });
    stop.addEventListener("click", halt);
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { halt(); }
    });
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-scan-url]");
    if (!section) { return; }
    // A photo is checked as soon as it is taken: one tap, one answer.
    var photo = section.querySelector("[data-scan-photo]");
    photo.querySelector("input[type=file]").addEventListener("change", function (event) {
      if (event.target.files.length) { photo.requestSubmit ? photo.requestSubmit() : photo.submit(); }
    });
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    Promise.resolve(window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : ["qr_code"])
      .then(function (formats) {
        if (formats.indexOf("qr_code") !== -1) { startCamera(section, ["qr_code"]); }
      })
      .catch(function () { /* no camera scanning: the photo and the typed code remain */ });
  });
})();
