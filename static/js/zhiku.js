// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  if (window.TomSelect) {
    document.querySelectorAll("select[data-searchable]").forEach(function (el) {
      // eslint-disable-next-line no-new
      new TomSelect(el, { maxOptions: 500, allowEmptyOption: true });
      // TomSelect points the field's <label> at its own search input; the original select,
      // hidden but still read by assistive technology, keeps the label's name too.
      var label = el.id && document.querySelector('label[for="' + el.id + '-ts-control"]');
      if (label && label.id) { el.setAttribute("aria-labelledby", label.id); }
    });
  }
  // Ask before actions that cannot be undone (reject, close...).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
// Import progress: poll the job's JSON status and reload when it has moved on.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-poll-text]");
  var first = null;
  function tick() {
    fetch(box.getAttribute("data-poll"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (first === null) { first = data.status; }
        if (bar) { bar.value = data.percent; }
        if (text) { text.textContent = data.done + "/" + data.total; }
        if (data.status !== first || ["queued", "checking", "importing"].indexOf(data.status) < 0) {
          window.location.reload();
        } else {
          window.setTimeout(tick, 1000);
        }
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
})();
