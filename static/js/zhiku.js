// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  if (window.TomSelect) {
    document.querySelectorAll("select[data-searchable]").forEach(function (el) {
      // eslint-disable-next-line no-new
      new TomSelect(el, { maxOptions: 500, allowEmptyOption: true });
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
