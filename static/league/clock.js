/* The match clock on the referee card (R17), and two safety nets of the card.
 *
 * The server keeps the clock (league/selectors/clock.py): {running, remaining_ms, as_of (server
 * epoch ms), countdowns: [{id, kind, corner, remaining_ms, ...}], proposal, seq}. This file only
 * counts down locally from that state, correcting the device's clock by its offset to the
 * server's (half the round trip of the quickest poll so far, as the screens do in public.js),
 * so every device shows the same time.
 * When a countdown or the round runs out here, or another device tapped the clock (its seq
 * moved), the card is re-read from the server: the proposal comes from there, never from here.
 *
 * Safety nets: focus returns to the control that was tapped after the card is swapped, and a
 * post that could not be saved says so next to that control. No inline script (CSP).
 */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var TICK_MS = 100;
  var offset = null;          // server time minus this device's time, in ms
  var bestTrip = Infinity;    // the quickest round trip of a clock read so far, in ms
  var state = null;           // the last state read
  var section = null;         // the clock panel on the page
  var refreshing = false;
  var asked = {};             // expiries already reported to the server (reload once each)

  function serverNow() { return Date.now() + (offset || 0); }

  function fmt(ms) {
    var s = Math.ceil(Math.max(0, ms) / 1000);
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function read(panel) {
    try { return JSON.parse(panel.getAttribute("data-clock")); } catch (e) { return null; }
  }

  function adopt(panel) {
    section = panel;
    state = panel ? read(panel) : null;
    if (state && offset === null) offset = state.as_of - Date.now();
  }

  function since() { return state ? serverNow() - state.as_of : 0; }

  function roundLeft() {
    if (!state) return 0;
    return state.running ? Math.max(0, state.remaining_ms - since()) : state.remaining_ms;
  }

  /* The card is re-read in the background (a countdown ran out, another device tapped), but
   * never across a tap: a tap's own answer is the newer card, and a background swap landing
   * while a tap is on its way would leave that answer (a refusal naming its rule) nowhere. */
  var RELOAD = "X-Clock-Reload";
  var taps = 0;               // tap posts of the card on their way
  var tapsSent = 0;           // tap posts sent so far
  var reloadFrom = -1;        // tapsSent when the background re-read was sent

  function isReload(detail) {
    var headers = detail && detail.requestConfig && detail.requestConfig.headers;
    return !!(headers && headers[RELOAD]);
  }
  function isTap(detail) {
    var config = detail && detail.requestConfig;
    return !!(config && config.verb === "post" && !isReload(detail));
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isTap(event.detail)) { taps += 1; tapsSent += 1; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (isTap(event.detail)) taps = Math.max(0, taps - 1);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (isReload(event.detail) && reloadFrom !== tapsSent) event.detail.shouldSwap = false;
  });

  function reloadCard() {
    if (refreshing || taps > 0 || !section || !window.htmx) return;
    var url = section.getAttribute("data-card-url");
    var headers = {};
    headers[RELOAD] = "1";
    refreshing = true;
    reloadFrom = tapsSent;
    window.htmx.ajax("GET", url, { target: "#match-card", swap: "outerHTML", headers: headers }).then(
      function () { refreshing = false; }, function () { refreshing = false; });
  }

  function tick() {
    if (!section || !document.body.contains(section)) { adopt(document.getElementById("match-clock")); }
    if (!section || !state) return;
    var left = roundLeft();
    var face = section.querySelector("[data-clock-remaining]");
    if (face) {
      face.textContent = fmt(left);
      // What this device computes, for measuring agreement between devices (bench, tests).
      face.setAttribute("data-remaining-ms", String(Math.round(left)));
      face.setAttribute("data-at", String(Date.now()));
    }
    if (state.running && left <= 0 && !state.proposal && !asked["time-" + state.seq]) {
      asked["time-" + state.seq] = true;
      reloadCard();   // the server proposes "round to points"
    }
    (state.countdowns || []).forEach(function (c) {
      var el = section.querySelector('[data-countdown="' + c.id + '"]');
      var rest = Math.max(0, c.remaining_ms - since());
      if (el) el.textContent = fmt(rest);
      if (rest <= 0 && !c.expired && !asked["cd-" + c.id]) {
        asked["cd-" + c.id] = true;
        reloadCard();  // the server proposes what the expiry means; the referee decides
      }
    });
  }

  function poll() {
    if (!section || document.hidden) return;
    var url = section.getAttribute("data-clock-url");
    var sent = Date.now();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fresh) {
        if (!fresh) return;
        var back = Date.now();
        if (back - sent <= bestTrip) {  // a slow answer (a busy server, Wi-Fi) would skew it
          bestTrip = back - sent;
          offset = fresh.as_of - (sent + back) / 2;
        }
        var shown = state;
        if (!shown || fresh.seq !== shown.seq || fresh.round !== shown.round
            || fresh.status !== "live") {
          reloadCard();  // another device tapped the clock, or the round / match moved on
          return;
        }
        state = fresh;
      })
      .catch(function () { /* offline: keep counting from what we have */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    adopt(document.getElementById("match-clock"));
    poll();
    window.setInterval(tick, TICK_MS);
    window.setInterval(poll, POLL_MS);
  });
  document.addEventListener("htmx:afterSettle", function () {
    adopt(document.getElementById("match-clock"));
  });

  /* Focus stays on the control after a tap. The card is swapped by the tap's own answer, and
   * also in the background (another device tapped, the clock's poll or a pushed change re-read
   * it), in any order: whichever swap leaves the focus nowhere gives it back to the control the
   * referee last used. A refusal that took the focus (referee.js focuses refusals) keeps it. */
  var wanted = null;          // id of the control the referee last tapped or moved to
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (!el || !el.closest || !el.closest("#match-card")) return;
    wanted = el.id && el.getAttribute("tabindex") !== "-1" ? el.id : null;
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail && event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var control = trigger && trigger.submitter;
    if (control && control.id) wanted = control.id;
    else if (trigger && event.detail.elt && event.detail.elt.querySelector) {
      var button = event.detail.elt.querySelector("button[type=submit][id]");
      if (button) wanted = button.id;
    }
    if (event.detail.elt && event.detail.elt.querySelectorAll) {
      Array.prototype.forEach.call(event.detail.elt.querySelectorAll(".rf-net-inline"),
        function (el) { el.remove(); });
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!wanted) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.body.contains(active)) return;
    var again = document.getElementById(wanted);
    if (again) again.focus({ preventScroll: true });
  });

  /* "Not saved" where the finger is: beside the control whose post failed. */
  function notSaved(event, kind) {
    var form = event.detail && event.detail.elt;
    if (!form || !form.querySelector) return;
    var box = document.querySelector(".rf-net-status");
    var text = box ? (box.getAttribute(kind) || box.getAttribute("data-failed")) : "Not saved.";
    var note = form.querySelector(".rf-net-inline");
    if (!note) {
      note = document.createElement("p");
      note.className = "rf-field-error rf-net-inline";
      note.setAttribute("role", "alert");
      var button = form.querySelector("button[type=submit]");
      if (button && button.parentNode) button.parentNode.insertBefore(note, button.nextSibling);
      else form.appendChild(note);
    }
    note.textContent = text;
  }
  document.addEventListener("htmx:sendError", function (event) { notSaved(event, "data-offline"); });
  document.addEventListener("htmx:timeout", function (event) { notSaved(event, "data-offline"); });
  document.addEventListener("htmx:responseError", function (event) { notSaved(event, "data-failed"); });
})();
