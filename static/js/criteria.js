/* The 判定依据 picker (templates/criteria/_picker.html): a click on a search result fills the
   form's basis_standard and basis_clause fields (both stay editable) and, where the picker
   names a criteria select (data-criteria-field), selects the item there: the hazard links
   to the item. The chosen items are listed with a remove button; the select itself (the
   no-script fallback) is hidden while the script runs. */
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

  function selectOf(picker) {
    var id = picker.dataset.criteriaField;
    return id ? document.getElementById(id) : null;
  }

  function render(picker) {
    var select = selectOf(picker);
    var list = picker.querySelector(".criteria-chosen");
    if (!select || !list) {
      return;
    }
    list.innerHTML = "";
    var chosen = Array.prototype.filter.call(select.options, function (o) {
      return o.selected;
    });
    var title = picker.querySelector("[data-chosen-title]");
    if (title) {
      title.hidden = false;
    }
    if (!chosen.length) {
      var none = document.createElement("li");
      none.className = "text-muted";
      none.textContent = picker.dataset.noneLabel || "";
      list.appendChild(none);
    }
    chosen.forEach(function (option) {
      var li = document.createElement("li");
      li.className = "d-flex align-items-start gap-2 border rounded px-2 py-1 mb-1 bg-body";
      var text = document.createElement("span");
      text.className = "flex-grow-1";
      text.textContent = option.textContent;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-outline-danger py-0";
      remove.dataset.criterionRemove = option.value;
      remove.textContent = picker.dataset.removeLabel || "×";
      li.appendChild(text);
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  function setUp(picker) {
    var select = selectOf(picker);
    if (!select || picker.dataset.criteriaReady) {
      return;
    }
    picker.dataset.criteriaReady = "1";
    var wrapper = select.closest(".mb-3") || select;
    wrapper.hidden = true;
    render(picker);
  }

  function setUpAll() {
    document.querySelectorAll(".criteria-picker").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
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
    var removeButton = event.target.closest("[data-criterion-remove]");
    if (removeButton) {
      var owner = removeButton.closest(".criteria-picker");
      var sel = owner && selectOf(owner);
      if (sel) {
        event.preventDefault();
        Array.prototype.forEach.call(sel.options, function (o) {
          if (o.value === removeButton.dataset.criterionRemove) {
            o.selected = false;
          }
        });
        sel.dispatchEvent(new Event("change", { bubbles: true }));
        render(owner);
      }
      return;
    }
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
    var select = selectOf(picker);
    if (select) {
      Array.prototype.forEach.call(select.options, function (o) {
        if (o.value === button.dataset.criterion) {
          o.selected = true;
        }
      });
      select.dispatchEvent(new Event("change", { bubbles: true }));
      render(picker);
    }
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
