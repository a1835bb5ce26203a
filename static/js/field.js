/* 外业检查（离线）: inspect with no network, send when it returns.
 *
 * What is done here is kept in IndexedDB (it survives a closed tab and a restarted phone):
 *   meta     "bootstrap": the user's enterprises and the checklist templates (from the server)
 *   drafts   one inspection each: enterprise, template, date, answers, hazards, signature
 *   photos   the shrunk photos (Blob), by their key
 *   outbox   the records to send, in order: inspection, photo, hazard, submit
 * Every record has a key made here (a UUID); the server answers a repeat with the record it
 * already has, so sending twice never makes two. A record the server refuses keeps its
 * Chinese reason and stays until it is sent or discarded; 导出 saves everything as a file.
 *
 * Words and URLs come from the page (json_script): this file holds no Chinese.
 */
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("field-messages").textContent);
  var C = JSON.parse(document.getElementById("field-config").textContent);
  var app = document.getElementById("field-app");
  document.documentElement.classList.add("js");

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- IndexedDB, the few calls we need --------------------------------------------------
  var dbp = new Promise(function (resolve, reject) {
    var open = indexedDB.open("hazardtrack-field", 1);
    open.onupgradeneeded = function () {
      var db = open.result;
      db.createObjectStore("meta");
      db.createObjectStore("drafts", { keyPath: "key" });
      db.createObjectStore("photos");
      db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });

  function call(store, mode, action) {
    return dbp.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var request = action(t.objectStore(store));
        t.oncomplete = function () { resolve(request ? request.result : undefined); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  var db = {
    get: function (store, key) { return call(store, "readonly", function (s) { return s.get(key); }); },
    all: function (store) { return call(store, "readonly", function (s) { return s.getAll(); }); },
    put: function (store, value, key) {
      return call(store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
    },
    del: function (store, key) { return call(store, "readwrite", function (s) { return s.delete(key); }); }
  };

  // --- state --------------------------------------------------------------------------------
  var boot = null;      // the cached bootstrap
  var syncing = false;

  function templateOf(id) {
    return (boot && boot.templates.filter(function (t) { return t.id === id; })[0]) || null;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k.indexOf("on") === 0) node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function labelled(label, input) {
    var id = "f-" + uuid().slice(0, 8);
    input.id = id;
    return el("div", { class: "mb-2" }, [el("label", { class: "form-label small mb-1", for: id, text: label }), input]);
  }

  // --- the queue ------------------------------------------------------------------------------
  function enqueue(record) {
    record.user = boot && boot.user.id;
    record.created = new Date().toISOString();
    record.error = null;
    return db.put("outbox", record).then(renderSync);
  }

  function ensureInspectionQueued(draft) {
    // The inspection record is built when it is sent, from the draft as it is then: one
    // waiting record carries every later answer too.
    return db.all("outbox").then(function (records) {
      var waiting = records.some(function (r) { return r.type === "inspection" && r.key === draft.key; });
      return waiting ? null : enqueue({ type: "inspection", key: draft.key, inspection: draft.key });
    });
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function payload(record) {
    return db.get("drafts", record.inspection).then(function (draft) {
      if (!draft) return null;
      if (record.type === "inspection") {
        return {
          key: draft.key, enterprise: draft.enterprise.id, template: draft.template, date: draft.date,
          kind: draft.kind || "routine",
          answers: Object.keys(draft.answers).map(function (item) {
            return { item: Number(item), result: draft.answers[item].result, note: draft.answers[item].note || "" };
          })
        };
      }
      if (record.type === "photo") {
        return db.get("photos", record.key).then(function (blob) {
          var form = new FormData();
          form.append("key", record.key);
          form.append("inspection", record.inspection);
          form.append("item", record.item);
          if (blob) form.append("photo", blob, "photo.jpg");
          return form;
        });
      }
      if (record.type === "hazard") {
        var h = draft.hazards[record.item] || {};
        return Object.assign({ key: record.key, inspection: draft.key, item: record.item }, h);
      }
      return { key: record.key, inspection: draft.key, representative: draft.representative || "" };
    });
  }

  function send(record) {
    return payload(record).then(function (body) {
      if (body === null) return { ok: false, error: T.failed, status: 400 };
      var headers = { "X-CSRFToken": csrf(), Accept: "application/json" };
      if (!(body instanceof FormData)) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(body);
      }
      return fetch(C.sync + record.type + "/", {
        method: "POST", headers: headers, body: body, credentials: "same-origin", redirect: "manual"
      }).then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401) return { auth: true };
        return response.json().then(function (answer) {
          answer.status = response.status;
          return answer;
        }, function () {
          // Not our JSON: a refused CSRF token after the session ended, or a server error.
          return response.status === 403 ? { auth: true } : { ok: false, error: T.failed, status: response.status };
        });
      }, function () { return { network: true }; });
    });
  }

  function settled(record, answer) {
    return db.get("drafts", record.inspection).then(function (draft) {
      if (!draft) return null;
      draft.server = draft.server || {};
      draft.server.url = answer.url;
      if (record.type === "hazard" && draft.hazards[record.item]) {
        draft.hazards[record.item].number = answer.number;
      }
      if (record.type === "submit") draft.server.submitted = true;
      return db.put("drafts", draft);
    });
  }

  function syncAll() {
    if (syncing) return Promise.resolve();
    syncing = true;
    message(T.syncing, "muted");
    var stopped = null;
    return db.all("outbox").then(function (records) {
      var blocked = {};
      return records.reduce(function (chain, record) {
        return chain.then(function () {
          if (stopped || blocked[record.inspection]) return null;
          return send(record).then(function (answer) {
            if (answer.network) { stopped = T.network_failed; return null; }
            if (answer.auth) { stopped = T.login_again; return null; }
            if (answer.ok) {
              return settled(record, answer).then(function () { return db.del("outbox", record.seq); });
            }
            // Refused: keep it with its reason; what depends on it waits too.
            blocked[record.inspection] = true;
            record.error = answer.error || T.failed;
            return db.put("outbox", record);
          });
        });
      }, Promise.resolve());
    }).then(function () {
      syncing = false;
      message(stopped || "", stopped ? "danger" : "");
      return renderSync().then(route);
    }, function (error) {
      syncing = false;
      message(String(error), "danger");
    });
  }

  function message(text, kind) {
    var box = document.getElementById("field-sync-message");
    box.className = "px-3 pb-2 small" + (kind ? " text-" + kind : "");
    box.textContent = text;
  }

  function renderSync() {
    return db.all("outbox").then(function (records) {
      document.getElementById("field-unsynced").textContent =
        records.length ? fmt(T.unsynced, { n: records.length }) : T.all_synced;
      var network = document.getElementById("field-network");
      network.textContent = navigator.onLine ? T.online : T.offline;
      network.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-warning");
      return records;
    });
  }

  function exportAll() {
    Promise.all([db.all("drafts"), db.all("outbox")]).then(function (parts) {
      var keys = parts[1].filter(function (r) { return r.type === "photo"; }).map(function (r) { return r.key; });
      return Promise.all(keys.map(function (k) {
        return db.get("photos", k).then(function (blob) {
          return new Promise(function (resolve) {
            if (!blob) { resolve([k, null]); return; }
            var reader = new FileReader();
            reader.onload = function () { resolve([k, reader.result]); };
            reader.readAsDataURL(blob);
          });
        });
      })).then(function (photos) {
        var data = { exported: new Date().toISOString(), drafts: parts[0], outbox: parts[1], photos: {} };
        photos.forEach(function (p) { data.photos[p[0]] = p[1]; });
        var link = el("a", {
          href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 1)], { type: "application/json" })),
          download: "hazardtrack-field-" + data.exported.slice(0, 10) + ".json"
        });
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
  }

  // --- pages ----------------------------------------------------------------------------------
  function route() {
    var m = location.hash.match(/^#i\/([\w-]+)/);
    return m ? showDraft(m[1]) : showHome();
  }

  function showHome() {
    app.textContent = "";
    if (!boot) {
      app.appendChild(el("div", { class: "alert alert-warning", text: T.no_data }));
      return Promise.resolve();
    }
    // Start an inspection.
    var search = el("input", { type: "search", class: "form-control", placeholder: T.search });
    var enterprise = el("select", { class: "form-select", size: "6" });
    function fill() {
      var q = search.value.trim();
      enterprise.textContent = "";
      boot.enterprises.filter(function (e) { return !q || e.name.indexOf(q) >= 0 || (e.address || "").indexOf(q) >= 0; })
        .slice(0, 200).forEach(function (e, i) {
          var option = el("option", { value: String(e.id), text: e.name + (e.mine ? " · " + T.mine : "") });
          if (i === 0) option.selected = true;
          enterprise.appendChild(option);
        });
    }
    search.addEventListener("input", fill);
    fill();
    var template = el("select", { class: "form-select" });
    boot.templates.forEach(function (t) { template.appendChild(el("option", { value: String(t.id), text: t.name })); });
    var day = el("input", { type: "date", class: "form-control", value: boot.today, max: boot.today });
    var start = el("button", { type: "button", class: "btn btn-primary w-100", text: T.start });
    start.addEventListener("click", function () {
      var chosen = boot.enterprises.filter(function (e) { return String(e.id) === enterprise.value; })[0];
      if (!chosen || !template.value) return;
      var draft = {
        key: uuid(), user: boot.user.id, enterprise: { id: chosen.id, name: chosen.name },
        template: Number(template.value), date: day.value || boot.today, kind: "routine",
        answers: {}, hazards: {}, representative: "", finished: false, created: new Date().toISOString()
      };
      db.put("drafts", draft).then(function () {
        return enqueue({ type: "inspection", key: draft.key, inspection: draft.key });
      }).then(function () { location.hash = "#i/" + draft.key; });
    });
    app.appendChild(el("section", { class: "card mb-3" }, [
      el("div", { class: "card-body" }, [
        el("h2", { class: "h6", text: T.start }),
        labelled(T.search, search), labelled(T.enterprise, enterprise),
        labelled(T.template, template), labelled(T.date, day), start
      ])
    ]));
    return Promise.all([db.all("drafts"), db.all("outbox")]).then(function (parts) {
      var drafts = parts[0].filter(function (d) { return d.user === boot.user.id; });
      var list = el("div", { class: "list-group mb-3" });
      drafts.forEach(function (d) {
        var t = templateOf(d.template);
        var answered = Object.keys(d.answers).length;
        var line = d.server && d.server.submitted ? T.synced_record
          : d.finished ? T.finished
          : fmt(T.answered, { answered: answered, total: t ? t.items.length : "?" });
        var href = d.server && d.server.submitted ? d.server.url : "#i/" + d.key;
        list.appendChild(el("a", { class: "list-group-item list-group-item-action", href: href }, [
          el("div", { class: "fw-semibold", text: d.enterprise.name }),
          el("div", { class: "small text-muted", text: d.date + " · " + line })
        ]));
      });
      app.appendChild(el("h2", { class: "h6", text: T.in_progress }));
      app.appendChild(drafts.length ? list : el("p", { class: "small text-muted", text: T.none_in_progress }));
      var records = parts[1];
      if (records.length) {
        var box = el("ul", { class: "list-group mb-3", id: "field-outbox" });
        records.forEach(function (r) {
          var draft = parts[0].filter(function (d) { return d.key === r.inspection; })[0];
          var discard = el("button", { type: "button", class: "btn btn-link btn-sm p-0 ms-2", text: T.discard });
          discard.addEventListener("click", function () {
            if (window.confirm(T.discard_confirm)) db.del("outbox", r.seq).then(renderSync).then(route);
          });
          box.appendChild(el("li", { class: "list-group-item small" + (r.error ? " list-group-item-danger" : "") }, [
            el("span", { text: T["kind_" + r.type] + " · " + (draft ? draft.enterprise.name : "") }),
            r.error ? el("div", { class: "fw-semibold", text: r.error }) : null,
            r.error ? discard : null
          ]));
        });
        app.appendChild(el("h2", { class: "h6", text: T.outbox }));
        app.appendChild(box);
      }
    });
  }

  function saveDraft(draft) {
    return db.put("drafts", draft).then(function () { return ensureInspectionQueued(draft); });
  }

  function showDraft(key) {
    return db.get("drafts", key).then(function (draft) {
      app.textContent = "";
      var t = draft && templateOf(draft.template);
      if (!draft || !t) return showHome();
      var progress = el("span", { class: "badge text-bg-secondary fs-6", id: "progress" });
      function updateProgress() {
        var n = t.items.filter(function (i) { return draft.answers[i.id]; }).length;
        progress.textContent = fmt(T.answered, { answered: n, total: t.items.length });
      }
      updateProgress();
      var back = el("a", { href: "#", class: "btn btn-link btn-sm", text: T.back });
      app.appendChild(el("div", { class: "d-flex align-items-center gap-2 mb-2" }, [
        el("h2", { class: "h5 mb-0 me-auto", text: draft.enterprise.name }), back
      ]));
      var list = el("ul", { class: "list-group mb-3" });
      var category = null;
      t.items.forEach(function (item) {
        if (item.category !== category) {
          category = item.category;
          list.appendChild(el("li", { class: "list-group-item list-group-item-light fw-semibold small", text: category }));
        }
        list.appendChild(itemRow(draft, item, updateProgress));
      });
      app.appendChild(list);
      if (draft.finished) {
        app.appendChild(el("div", { class: "alert alert-info", text: T.finished }));
        return;
      }
      var passRest = el("button", { type: "button", class: "btn btn-outline-success", text: T.pass_rest });
      var undo = el("button", { type: "button", class: "btn btn-link d-none", text: T.undo });
      var changed = [];
      passRest.addEventListener("click", function () {
        var pending = t.items.filter(function (i) { return !draft.answers[i.id]; });
        if (!pending.length || !window.confirm(fmt(T.pass_rest_confirm, { n: pending.length }))) return;
        changed = pending.map(function (i) { return i.id; });
        changed.forEach(function (id) { draft.answers[id] = { result: "pass", note: "" }; });
        saveDraft(draft).then(function () { return showDraft(key); }).then(function () {
          var again = document.getElementById("field-undo");
          again.classList.remove("d-none");
          again.addEventListener("click", function () {
            changed.forEach(function (id) { delete draft.answers[id]; });
            saveDraft(draft).then(function () { return showDraft(key); });
          });
        });
      });
      undo.id = "field-undo";
      var signature = el("input", { type: "text", class: "form-control", maxlength: "50", value: draft.representative || "" });
      signature.addEventListener("change", function () {
        draft.representative = signature.value.trim();
        db.put("drafts", draft);
      });
      var finish = el("button", { type: "button", class: "btn btn-primary w-100", text: T.finish });
      var problem = el("div", { class: "text-danger small mb-2", role: "alert" });
      finish.addEventListener("click", function () {
        var missing = t.items.filter(function (i) { return !draft.answers[i.id]; }).length;
        if (missing) { problem.textContent = fmt(T.missing, { n: missing }); return; }
        if (!signature.value.trim()) { problem.textContent = T.need_signature; return; }
        draft.representative = signature.value.trim();
        draft.finished = true;
        saveDraft(draft)
          .then(function () { return enqueue({ type: "submit", key: uuid(), inspection: draft.key }); })
          .then(function () {
            location.hash = "#";
            if (navigator.onLine) syncAll();
          });
      });
      app.appendChild(el("div", { class: "checklist-bar sticky-bottom mb-3" }, [
        el("div", { class: "d-flex flex-wrap align-items-center gap-2" }, [progress, passRest, undo])
      ]));
      app.appendChild(el("section", { class: "card mb-3" }, [el("div", { class: "card-body" }, [
        labelled(T.representative, signature), problem, finish
      ])]));
    });
  }

  function itemRow(draft, item, updateProgress) {
    var answer = draft.answers[item.id];
    var li = el("li", { class: "list-group-item py-2 checklist-item", "data-item": String(item.id) });
    var mark = el("span", { class: "small fw-semibold text-nowrap", text: answer ? T[answer.result] : "" });
    var head = el("div", { class: "d-flex gap-2 item-head" }, [
      el("span", { class: "fw-semibold text-nowrap", text: item.code }),
      el("div", { class: "flex-grow-1", text: item.text }), mark
    ]);
    li.appendChild(head);
    if (draft.finished) return li;
    var body = el("div", { class: "item-body mt-2" });
    var group = el("div", { class: "btn-group flex-wrap mb-2", role: "group" });
    var hazardBox = el("div", { class: "mt-2" });
    ["pass", "fail", "na"].forEach(function (result) {
      var id = "r-" + draft.key.slice(0, 8) + "-" + item.id + "-" + result;
      var radio = el("input", { type: "radio", class: "btn-check", name: "r-" + item.id, id: id, value: result });
      if (answer && answer.result === result) radio.checked = true;
      radio.addEventListener("change", function () {
        var current = draft.answers[item.id] || { note: "" };
        current.result = result;
        draft.answers[item.id] = current;
        mark.textContent = T[result];
        li.classList.toggle("list-group-item-danger", result === "fail");
        drawHazard();
        saveDraft(draft).then(updateProgress);
      });
      var style = { pass: "btn-outline-success", fail: "btn-outline-danger", na: "btn-outline-secondary" }[result];
      group.appendChild(radio);
      group.appendChild(el("label", { class: "btn " + style, for: id, text: T[result] }));
    });
    var note = el("input", { type: "text", class: "form-control mb-2", maxlength: "500", placeholder: T.note, "aria-label": T.note, value: (answer && answer.note) || "" });
    note.addEventListener("change", function () {
      var current = draft.answers[item.id];
      if (!current) return;  // kept on the page until a result is chosen
      current.note = note.value;
      saveDraft(draft);
    });
    var photo = el("input", { type: "file", accept: "image/*", capture: "environment", class: "form-control", "aria-label": T.photo });
    var photoState = el("div", { class: "small text-success", role: "status" });
    if (answer && answer.photo) photoState.textContent = T.photo_saved;
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (!file || !draft.answers[item.id]) return;
      window.HazardTrackPhotos.shrink(file).then(function (blob) {
        var key = uuid();
        draft.answers[item.id].photo = key;
        return db.put("photos", blob, key)
          .then(function () { return saveDraft(draft); })
          .then(function () { return enqueue({ type: "photo", key: key, inspection: draft.key, item: item.id }); })
          .then(function () { photoState.textContent = T.photo_saved; });
      });
    });
    function drawHazard() {
      hazardBox.textContent = "";
      var current = draft.answers[item.id];
      if (!current || current.result !== "fail") return;
      var saved = draft.hazards[item.id];
      if (saved) {
        hazardBox.appendChild(el("div", { class: "small fw-semibold", text: saved.number ? fmt(T.hazard_synced, { number: saved.number }) : T.hazard_saved }));
        return;
      }
      var details = el("details", {}, [el("summary", { class: "btn btn-sm btn-danger", text: T.register })]);
      var description = el("textarea", { class: "form-control", rows: "3" });
      description.value = item.text + (current.note ? "。" + current.note : "");
      var level = el("select", { class: "form-select" });
      boot.levels.forEach(function (c) {
        var option = el("option", { value: c[0], text: c[1] });
        if (c[0] === item.level) option.selected = true;
        level.appendChild(option);
      });
      var place = el("input", { type: "text", class: "form-control", maxlength: "200" });
      var deadline = el("input", { type: "date", class: "form-control", min: boot.today });
      var measures = el("textarea", { class: "form-control", rows: "2" });
      var responsible = el("input", { type: "text", class: "form-control", maxlength: "50" });
      var funds = el("input", { type: "number", class: "form-control", min: "0", step: "0.01" });
      var save = el("button", { type: "button", class: "btn btn-danger btn-sm", text: T.save_hazard });
      save.addEventListener("click", function () {
        draft.hazards[item.id] = {
          description: description.value.trim(), level: level.value, location: place.value.trim(),
          five_fixes: deadline.value ? {
            deadline: deadline.value, measures: measures.value.trim(),
            responsible_person: responsible.value.trim(), funds_yuan: funds.value || null
          } : null
        };
        db.put("drafts", draft)
          .then(function () { return enqueue({ type: "hazard", key: uuid(), inspection: draft.key, item: item.id }); })
          .then(drawHazard);
      });
      details.appendChild(el("div", { class: "border rounded p-2 mt-2" }, [
        labelled(T.description, description), labelled(T.level, level), labelled(T.location, place),
        labelled(T.deadline, deadline), labelled(T.measures, measures), labelled(T.responsible, responsible),
        labelled(T.funds, funds), save
      ]));
      hazardBox.appendChild(details);
    }
    if (answer && answer.result === "fail") li.classList.add("list-group-item-danger");
    if (answer && answer.result !== "fail") li.classList.add("is-collapsed");
    head.addEventListener("click", function () { li.classList.remove("is-collapsed"); });
    body.appendChild(group);
    body.appendChild(note);
    body.appendChild(photo);
    body.appendChild(photoState);
    li.appendChild(body);
    li.appendChild(hazardBox);
    drawHazard();
    return li;
  }

  // --- start ----------------------------------------------------------------------------------
  document.getElementById("field-sync-button").addEventListener("click", syncAll);
  document.getElementById("field-export").addEventListener("click", exportAll);
  window.addEventListener("online", function () { renderSync(); syncAll(); });
  window.addEventListener("offline", renderSync);
  window.addEventListener("hashchange", route);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(C.worker, { scope: C.scope }).catch(function () { return null; });
  }

  function ready() {
    var r = document.getElementById("field-ready");
    r.textContent = boot ? fmt(T.ready, { enterprises: boot.enterprises.length, templates: boot.templates.length }) : "";
  }

  function load() {
    return db.get("meta", "bootstrap").then(function (stored) {
      boot = stored || null;
      if (!navigator.onLine) return null;
      return fetch(C.bootstrap, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (fresh) {
          if (fresh && fresh.user) {
            boot = fresh;
            return db.put("meta", fresh, "bootstrap");
          }
          return null;
        }, function () { return null; });
    }).then(function () {
      ready();
      return renderSync();
    }).then(function (records) {
      app.dataset.ready = "1";
      route();
      if (navigator.onLine && records.length) syncAll();
    });
  }
  load();
})();
