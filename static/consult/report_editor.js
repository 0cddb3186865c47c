// The report editor: a live preview of the body beside its textarea, and copy buttons for
// the figure references. Progressive enhancement: without this file the page still saves,
// and the preview shows the text as it was when the page was loaded.
(function () {
  "use strict";
  var DELAY_MS = 400;
  var body = document.querySelector("textarea[data-preview-url]");
  var pane = document.getElementById("report-preview");
  var status = document.getElementById("report-preview-status");
  if (body && pane && window.fetch && window.FormData) {
    var url = body.getAttribute("data-preview-url");
    var report = body.getAttribute("data-report") || "";
    var token = body.form && body.form.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;
    var latest = 0;
    var say = function (text) {
      if (status) { status.textContent = text; }
    };
    var failed = pane.getAttribute("data-error") || "";
    var refresh = function () {
      var mine = ++latest;
      var data = new FormData();
      data.append("body", body.value);
      if (report) { data.append("report", report); }
      pane.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "XMLHttpRequest" }
      })
        .then(function (response) {
          return response.text().then(function (text) {
            var type = response.headers.get("Content-Type") || "";
            return { ok: response.ok, plain: type.indexOf("text/plain") === 0, text: text };
          });
        })
        .then(function (result) {
          if (mine !== latest) { return; } // a newer request is on its way
          pane.removeAttribute("aria-busy");
          if (result.ok) {
            // Sanitised by the server (nh3): only headings, lists, tables, footnotes and
            // the report's own figures come back.
            pane.innerHTML = result.text;
            say("");
          } else {
            say(result.plain ? result.text : failed);
          }
        })
        .catch(function () {
          if (mine === latest) { pane.removeAttribute("aria-busy"); say(failed); }
        });
    };
    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });
  }

  // Copy a figure's reference line (`![图1](image:12)`) to paste into the body.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) { return; }
      var text = source.textContent;
      var done = function () {
        var label = button.textContent;
        button.textContent = button.getAttribute("data-copied") || label;
        window.setTimeout(function () { button.textContent = label; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
      } else {
        selectText(source);
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* selected: copy by hand */ }
      }
    });
  });

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
})();
