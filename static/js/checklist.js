/* The checklist page: each item saves itself without ever replacing what the user is in.
 *
 * Needs static/js/photos.js first. A change (result, note, photo) queues a save of that item; saves of one item run one at a
 * time, each reading the form when it is sent, so a note typed while a photo uploads goes in
 * the next save and is never erased. The answer only updates the parts of the item that are
 * not inputs (status line, photo thumbnail, hazard link) and the progress badge. A photo is
 * shrunk on the phone to at most 1920 px JPEG and kept until its upload succeeds; a failed
 * save says so, offers 重试 and retries by itself when the network returns.
 *
 * Words come from the page (json_script "checklist-messages"): this file holds no Chinese.
 */
(function () {
  "use strict";
  var holder = document.getElementById("checklist-messages");
  if (!holder) return;
  var T = JSON.parse(holder.textContent);
  document.documentElement.classList.add("js");

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  // --- one item ---------------------------------------------------------------------------
  function Item(form) {
    this.form = form;
    this.li = form.closest("[data-item]");
    this.status = form.querySelector("[data-status]");
    this.chain = Promise.resolve();
    this.photo = null;      // the shrunk photo waiting to be uploaded
    this.failed = false;
    this.waiting = 0;
    var self = this;
    form.addEventListener("change", function (event) { self.changed(event.target); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.queue(false);
    });
  }

  Item.prototype.result = function () {
    var checked = this.form.querySelector("input[name=result]:checked");
    return checked ? checked.value : "";
  };

  Item.prototype.say = function (text, kind, retry) {
    this.status.className = "item-status small mt-1" + (kind ? " text-" + kind : "");
    this.status.textContent = text;
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
      button.textContent = T.retry;
      var self = this;
      button.addEventListener("click", function () { self.queue(false); });
      this.status.appendChild(button);
    }
  };

  Item.prototype.changed = function (target) {
    var self = this;
    if (target.name === "photo") {
      var file = target.files && target.files[0];
      if (!file) return;
      this.say(T.preparing, "muted");
      window.HazardTrackPhotos.shrink(file).then(function (blob) {
        self.photo = blob;
        self.queue(false);
      });
      return;
    }
    if (target.name === "result") {
      this.li.dataset.result = target.value;
      this.li.classList.toggle("list-group-item-danger", target.value === "fail");
    }
    this.queue(target.name === "result");
  };

  Item.prototype.queue = function (fromResult) {
    var self = this;
    if (!this.result()) {
      this.say(T.choose_result, "danger");
      return;
    }
    this.waiting += 1;
    this.chain = this.chain.then(function () {
      self.waiting -= 1;
      // A later save in the queue reads the same form: send once, with the last state.
      if (self.waiting > 0 && !self.photo) return null;
      return self.send(fromResult);
    });
  };

  Item.prototype.send = function (fromResult) {
    var self = this;
    var data = new FormData(this.form);
    data.delete("photo");
    var photo = this.photo;
    if (photo) data.append("photo", photo, "photo.jpg");
    this.say(T.saving, "muted");
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", self.form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (photo) {
        xhr.upload.onprogress = function (event) {
          if (event.lengthComputable) {
            self.say(fmt(T.uploading, { percent: Math.round((100 * event.loaded) / event.total) }), "muted");
          }
        };
      }
      xhr.onload = function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (_e) { answer = null; }
        if (answer && xhr.status < 500) {
          self.failed = false;
          if (photo && self.photo === photo) self.photo = null;
          self.applied(answer, fromResult);
        } else if (xhr.status === 403 || (xhr.responseURL && xhr.responseURL.indexOf("/login/") >= 0)) {
          self.fail(T.login_again);
        } else {
          self.fail(T.failed);
        }
        resolve();
      };
      xhr.onerror = function () { self.fail(T.failed); resolve(); };
      xhr.send(data);
    });
  };

  // A save that failed is also kept in localStorage, so closing the tab loses nothing:
  // the next visit puts the answer back and sends it. (A photo is kept only on the page.)
  Item.prototype.slot = function () { return "checklist:" + this.form.action; };

  Item.prototype.keep = function () {
    var note = this.form.querySelector("input[name=note]");
    try {
      localStorage.setItem(this.slot(), JSON.stringify({ result: this.result(), note: note ? note.value : "" }));
    } catch (_e) { /* storage full or refused: the page still holds it */ }
  };

  Item.prototype.restore = function () {
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(this.slot()) || "null"); } catch (_e) { kept = null; }
    if (!kept || !kept.result) return false;
    var radio = this.form.querySelector("input[name=result][value=" + kept.result + "]");
    if (radio) radio.checked = true;
    var note = this.form.querySelector("input[name=note]");
    if (note) note.value = kept.note || "";
    this.li.classList.remove("is-collapsed");
    this.say(T.restored, "warning");
    return true;
  };

  Item.prototype.fail = function (text) {
    this.keep();
    this.failed = true;
    this.say(text, "danger", true);
  };

  Item.prototype.applied = function (answer, fromResult) {
    var progress = document.getElementById("progress");
    if (progress) {
      progress.textContent = answer.progress;
      progress.classList.toggle("text-bg-success", answer.answered === answer.total);
      progress.classList.toggle("text-bg-secondary", answer.answered !== answer.total);
    }
    this.form.querySelector("[data-extras]").innerHTML = answer.extras;
    this.li.querySelector("[data-hazard]").innerHTML = answer.hazard;
    try { localStorage.removeItem(this.slot()); } catch (_e) { /* nothing kept */ }
    if (!answer.ok) {
      this.say(answer.error, "danger");
      return;
    }
    this.say(T.saved, "success");
    var mark = this.li.querySelector("[data-mark]");
    if (mark) mark.textContent = T.marks[answer.result] || "";
    this.li.dataset.result = answer.result;
    var typing = this.form.contains(document.activeElement) && document.activeElement.type === "text";
    if (fromResult && !typing && (answer.result === "pass" || answer.result === "na")) {
      this.li.classList.add("is-collapsed");
    }
  };

  var items = [];
  document.querySelectorAll("form[data-item-form]").forEach(function (form) {
    var item = new Item(form);
    items.push(item);
    if (item.restore()) item.queue(false);
  });

  // A failed save keeps its item's unsaved state; the network coming back retries them all.
  window.addEventListener("online", function () {
    items.forEach(function (item) { if (item.failed) item.queue(false); });
  });
  window.addEventListener("beforeunload", function (event) {
    var pending = items.some(function (item) { return item.failed || item.waiting > 0 || item.photo; });
    if (pending) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Collapsed (answered) items open again with a tap on their heading.
  document.querySelectorAll("[data-item-head]").forEach(function (head) {
    head.addEventListener("click", function () {
      var li = head.closest("[data-item]");
      if (li.classList.contains("is-collapsed")) li.classList.remove("is-collapsed");
    });
  });

  // 下一未填项: the first item still pending, below the one in view if there is one.
  var next = document.getElementById("next-pending");
  if (next) {
    next.addEventListener("click", function (event) {
      var pending = Array.prototype.filter.call(
        document.querySelectorAll("[data-item]"),
        function (li) { return li.dataset.result === "pending"; }
      );
      if (!pending.length) return;
      event.preventDefault();
      var target = pending.find(function (li) { return li.getBoundingClientRect().top > 80; }) || pending[0];
      target.classList.remove("is-collapsed");
      target.scrollIntoView({ block: "start" });
      var first = target.querySelector("input[name=result]");
      if (first) first.focus({ preventScroll: true });
    });
  }
})();
