/* Public pages: conditional live polling and the viewer's own time. No inline scripts (CSP). */
(function () {
  "use strict";

  // Live fragments poll with the ETag of what they show: an unchanged poll answers 304 and
  // nothing is swapped (no flicker, focus and screen readers undisturbed).
  document.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail.elt;
    var etag = elt && elt.getAttribute("data-live-etag");
    if (etag) {
      evt.detail.headers["If-None-Match"] = etag;
    }
  });

  // Pushed updates (league.push): while a live fragment's event stream is open, the stream
  // triggers its refreshes and the timed poll stands down; when the stream drops, polling
  // takes over until it reconnects (the reconnect itself triggers one refresh).
  document.addEventListener("htmx:sseOpen", function (evt) {
    evt.detail.elt.setAttribute("data-push", "open");
  });
  document.addEventListener("htmx:sseError", function (evt) {
    evt.detail.elt.removeAttribute("data-push");
  });
  document.addEventListener("htmx:sseClose", function (evt) {
    evt.detail.elt.removeAttribute("data-push");
  });
  document.addEventListener("htmx:confirm", function (evt) {
    var elt = evt.detail.elt;
    if (!evt.detail.triggeringEvent && elt && elt.getAttribute("data-push") === "open") {
      evt.preventDefault();  // a timed poll while the stream is open: nothing to ask
    }
  });

  // A pushed change can reach the page before the edge cache in front of the servers (Varnish,
  // a CDN) lets go of the previous copy: a live season's copy is shared for at most 2 s
  // (league/http_cache.py). When the refresh a change triggered answers "unchanged", ask once
  // more after those 2 s.
  var EDGE_STALE_MS = 2000;

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    var elt = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (xhr.status === 304) {
      evt.detail.shouldSwap = false;
      evt.detail.isError = false;
      var cause = evt.detail.requestConfig.triggeringEvent;
      if (elt && cause && cause.type === "sse:change") {
        window.setTimeout(function () { htmx.trigger(elt, "live:recheck"); }, EDGE_STALE_MS);
      }
      return;
    }
    var etag = xhr.getResponseHeader("ETag");
    if (etag && elt && elt.hasAttribute("data-live-etag")) {
      elt.setAttribute("data-live-etag", etag);
    }
    if (xhr.status === 286 && elt) {
      // The season is over: this is the final content; stop announcing it as live.
      elt.removeAttribute("data-live-etag");
      elt.classList.add("live-ended");
    }
  });

  // Match clocks on overlays, big screens and the venue view (R17). The server keeps the clock
  // (league/selectors/clock.py); a screen reads its state (public:match_clock: remaining_ms at
  // as_of, the server's epoch ms) and counts down locally, correcting this device's clock by its
  // offset to the server's: half the round trip of the quickest read so far. The state is read
  // again whenever the live fragment was swapped (a pushed change: clock taps bump the season),
  // every 10 s (the fallback), and when a running round reaches zero here.
  var CLOCK_TICK_MS = 100, CLOCK_READ_MS = 10000;
  var clocks = {};                 // url -> the last state read
  var offset = 0, bestTrip = Infinity;

  function mmss(ms) {
    var s = Math.ceil(Math.max(0, ms) / 1000);
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function readClock(url) {
    var sent = Date.now();
    fetch(url, {headers: {Accept: "application/json"}, cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        var back = Date.now();
        if (back - sent <= bestTrip) {
          bestTrip = back - sent;
          offset = state.as_of - (sent + back) / 2;
        }
        clocks[url] = state;
        tickClocks();
      })
      .catch(function () { /* offline: keep counting from what we have */ });
  }

  function clockNodes() { return document.querySelectorAll("[data-public-clock]"); }

  function readClocks() {
    var seen = {}, nodes = clockNodes();
    for (var i = 0; i < nodes.length; i++) {
      var url = nodes[i].getAttribute("data-public-clock");
      if (!seen[url]) { seen[url] = true; readClock(url); }
    }
  }

  function tickClocks() {
    var nodes = clockNodes();
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i], url = node.getAttribute("data-public-clock"), state = clocks[url];
      if (!state) { continue; }
      var now = Date.now();
      var left = state.running ? Math.max(0, state.remaining_ms - (now + offset - state.as_of))
        : state.remaining_ms;
      node.textContent = state.status === "live" ? mmss(left) : "";
      // What this device computes, for measuring agreement between devices (bench, tests).
      node.setAttribute("data-remaining-ms", String(Math.round(left)));
      node.setAttribute("data-at", String(now));
      node.classList.toggle("clock-stopped", !state.running);
      if (state.running && left <= 0 && !state.ended) {
        state.ended = true;
        readClock(url);
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!clockNodes().length && !document.getElementById("live")) { return; }
    readClocks();
    window.setInterval(tickClocks, CLOCK_TICK_MS);
    window.setInterval(readClocks, CLOCK_READ_MS);
  });
  document.addEventListener("htmx:afterSettle", function () {
    readClocks();
  });

  // Times are printed in the venue's time zone; add the viewer's where it differs.
  function viewerTimes(root) {
    if (!root || !root.querySelectorAll || typeof Intl === "undefined") {
      return;
    }
    var mine;
    try {
      mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    var nodes = root.querySelectorAll("time[data-viewer-time]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.getAttribute("data-viewer-done")) {
        continue;
      }
      node.setAttribute("data-viewer-done", "1");
      var venue = node.getAttribute("data-venue-tz");
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime()) || !mine || mine === venue) {
        continue;
      }
      var opts = {hour: "2-digit", minute: "2-digit", hour12: false};
      var fmt = new Intl.DateTimeFormat(undefined, opts);
      var day = new Intl.DateTimeFormat(undefined, {weekday: "short", timeZone: venue}).format(when);
      var myDay = new Intl.DateTimeFormat(undefined, {weekday: "short"}).format(when);
      var venueText = new Intl.DateTimeFormat(undefined, {hour: "2-digit", minute: "2-digit",
        hour12: false, timeZone: venue}).format(when);
      var text = fmt.format(when);
      if (text === venueText && day === myDay) {
        continue;
      }
      var span = document.createElement("span");
      span.className = "viewer-time";
      span.textContent = " · " + (day !== myDay ? myDay + " " : "") + text + " " +
        (node.getAttribute("data-yours") || "");
      node.appendChild(span);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    viewerTimes(document);
  });
  document.addEventListener("htmx:load", function (evt) {
    viewerTimes(evt.detail && evt.detail.elt);
  });
})();
