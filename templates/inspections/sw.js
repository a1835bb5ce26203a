{% load static %}/* The service worker of 外业检查: keeps the offline page and its static files.
 * Drawn by inspections.views.service_worker so the static URLs are the hashed ones; the
 * cache name changes with them, and an old cache is dropped on activation. */
"use strict";
var FIELD = "{{ field_url|escapejs }}";
var FILES = [
  "{% static 'vendor/bootstrap-5.3.9/bootstrap.min.css' %}",
  "{% static 'css/hazardtrack.css' %}",
  "{% static 'vendor/bootstrap-5.3.9/bootstrap.bundle.min.js' %}",
  "{% static 'vendor/htmx-2.0.11/htmx.min.js' %}",
  "{% static 'js/photos.js' %}",
  "{% static 'js/field.js' %}",
  "{% static 'icons/favicon.svg' %}",
  "{% static 'icons/icon-192.png' %}"
];
var CACHE = "field-" + FILES.join("|").length + "-" + FILES.join("|").split("").reduce(function (h, c) { return (h * 31 + c.charCodeAt(0)) | 0; }, 7);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(FILES.concat([FIELD])); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("field-") === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === FIELD) {
    // The page: fresh from the network when there is one (and kept), else the kept copy.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(FIELD, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(FIELD);
      })
    );
    return;
  }
  if (FILES.indexOf(url.pathname) >= 0) {
    event.respondWith(
      caches.match(url.pathname).then(function (hit) { return hit || fetch(request); })
    );
  }
});
