{% load static %}/* Service worker of the teams' phone page: keeps the page and its files so it opens without a network.
   The page itself keeps the logs to send (localStorage) and sends them when the connection returns. */
const CACHE = "chiso-teams-{{ version }}";  // changes with the page's files: the old copies are dropped
const SHELL = ["{% url 'teams:log' %}", "{% static 'teams/log.js' %}", "{% static 'teams/teams.css' %}",
               "{% static 'teams/icon-192.png' %}", "{% url 'teams:manifest' %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;  // the API goes to the network, always
  }
  if (request.mode === "navigate") {  // the page: the network first (fresh CSRF token, teams), else the copy kept
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => caches.match(request).then((hit) => hit || caches.match("{% url 'teams:log' %}"))));
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
