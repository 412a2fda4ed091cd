// The editors' "Preview" button under text fields written with formatting marks: the server
// renders the text exactly as the public page will (portal.backoffice.markdown_preview) and
// the preview follows the typing while it is open. No inline script: the strict CSP holds.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUp(textarea) {
    const labels = textarea.dataset;
    const button = document.createElement("button");
    const panel = document.createElement("div");
    let open = false;
    let timer = null;
    let sent = 0;

    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = labels.previewShow;
    button.setAttribute("aria-expanded", "false");
    panel.id = textarea.id + "_preview";
    panel.className = "markdown-preview";
    panel.hidden = true;
    panel.setAttribute("aria-live", "polite");
    panel.setAttribute("aria-label", labels.previewShow);
    button.setAttribute("aria-controls", panel.id);

    async function refresh() {
      const number = ++sent;
      const body = new URLSearchParams({ text: textarea.value });
      try {
        const response = await fetch(labels.markdownPreview, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(textarea.form) },
        });
        if (!response.ok) throw new Error(String(response.status));
        const html = await response.text();
        // Only the answer to the latest request is shown (answers may arrive out of order).
        // The server has sanitised it with the public pages' own rules.
        if (number === sent) panel.innerHTML = html;
      } catch (error) {
        if (number === sent) panel.textContent = labels.previewError;
      }
    }

    button.addEventListener("click", function () {
      open = !open;
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? labels.previewHide : labels.previewShow;
      if (open) refresh();
    });
    textarea.addEventListener("input", function () {
      if (!open) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
    textarea.insertAdjacentElement("afterend", panel);
    textarea.insertAdjacentElement("afterend", button);
  }

  function start() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
