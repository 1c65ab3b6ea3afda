// readiness.html's only script: the filters, and opening whatever a link points at.
// Without it the page is whole: every section is there, folded in <details>.
(function () {
  "use strict";
  var form = document.querySelector(".rg-filters");
  var failuresOnly = document.getElementById("rg-failures-only");
  var component = document.getElementById("rg-component");
  var shown = document.getElementById("rg-shown");

  function apply() {
    var only = failuresOnly.checked;
    var name = component.value;
    var visible = 0;
    document.querySelectorAll("[data-rg-component]").forEach(function (el) {
      var off = (name && el.getAttribute("data-rg-component") !== name) ||
        (only && el.getAttribute("data-rg-failing") === "0");
      el.hidden = Boolean(off);
      if (!off && el.classList.contains("rg-component")) visible += 1;
    });
    document.querySelectorAll("[data-rg-outcome=passed]").forEach(function (el) {
      el.hidden = only;
    });
    shown.textContent = visible + (visible === 1 ? " component" : " components") + " shown";
  }

  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) return;
    if (target.hidden || target.closest("[hidden]")) {
      failuresOnly.checked = false;
      component.value = "";
      apply();
    }
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
    }
    target.scrollIntoView();
  }

  form.hidden = false;
  failuresOnly.addEventListener("change", apply);
  component.addEventListener("change", apply);
  window.addEventListener("hashchange", function () {
    reveal(decodeURIComponent(location.hash.slice(1)));
  });
  reveal(decodeURIComponent(location.hash.slice(1)));
  // Printing shows the failures' evidence, as a reader of paper cannot click.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.rg-check:not([data-rg-outcome=passed])").forEach(
      function (d) { d.open = true; });
  });
})();
