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

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    var elt = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (xhr.status === 304) {
      evt.detail.shouldSwap = false;
      evt.detail.isError = false;
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
