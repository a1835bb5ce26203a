/* The 判定依据 picker (templates/criteria/_picker.html): a click on a search result fills the
   form's basis_standard and basis_clause fields; both stay editable. */
(function () {
  "use strict";
  if (window.hazardtrackCriteriaPicker) {
    return;
  }
  window.hazardtrackCriteriaPicker = true;

  function fill(field, value) {
    if (!field) {
      return;
    }
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Enter in the search box searches; it must not submit the hazard form around the picker.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest(".criteria-picker input[type=search]")) {
      event.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(event.target, "search");
      }
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-criterion-pick]");
    if (!button) {
      return;
    }
    var picker = button.closest(".criteria-picker");
    if (!picker) {
      return;
    }
    event.preventDefault();
    fill(document.getElementById(picker.dataset.standardField), button.dataset.standard);
    fill(document.getElementById(picker.dataset.clauseField), button.dataset.clause);
    var picked = picker.querySelector(".criteria-picked");
    if (picked) {
      picked.textContent = button.dataset.standard + " " + button.dataset.clause;
      picked.hidden = false;
    }
    var results = picker.querySelector(".criteria-results");
    if (results) {
      results.innerHTML = "";
    }
  });
})();
