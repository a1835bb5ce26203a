/* Back + submit must not create a second official record.
 *
 * Forms that create one carry a hidden one-time key (name="client_key"); the server answers
 * a repeated key with the record already created. Signed-in pages are never stored, so Back
 * draws the form again with a new key: this script remembers, per tab, the key a form was
 * sent with and puts it back when the same form comes back within half an hour, with a
 * note and a button to start a new record on purpose. Words come from the script tag's
 * data attributes (translated in base.html).
 */
(function () {
  "use strict";
  var words = document.currentScript ? document.currentScript.dataset : {};
  var KEEP_MS = 30 * 60 * 1000;

  function slot(form) {
    return "once:" + location.pathname + location.search + "|" + (form.getAttribute("action") || "");
  }

  document.querySelectorAll("form").forEach(function (form) {
    var input = form.querySelector("input[name=client_key]");
    if (!input) return;
    var name = slot(form);
    var stored = null;
    try { stored = JSON.parse(sessionStorage.getItem(name) || "null"); } catch (_e) { stored = null; }
    if (stored && Date.now() - stored.at < KEEP_MS && stored.key !== input.value) {
      var fresh = input.value;
      input.value = stored.key;
      var note = document.createElement("div");
      note.className = "alert alert-warning py-2 small";
      note.setAttribute("role", "status");
      note.textContent = words.notice || "";
      var again = document.createElement("button");
      again.type = "button";
      again.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
      again.textContent = words.fresh || "";
      again.addEventListener("click", function () {
        input.value = fresh;
        sessionStorage.removeItem(name);
        note.remove();
      });
      note.appendChild(again);
      form.insertBefore(note, form.firstChild);
    }
  });
  // Delegated, so a form that htmx redrew (登记执法 after choosing the enterprise) counts too.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form.querySelector && form.querySelector("input[name=client_key]");
    if (!input) return;
    try {
      sessionStorage.setItem(slot(form), JSON.stringify({ key: input.value, at: Date.now() }));
    } catch (_e) { /* storage refused (private mode): the server still refuses a repeat */ }
  });
})();
