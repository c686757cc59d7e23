/* Referee match entry: counters, keeping a round's counts across card swaps, network errors.
 * No inline scripts (CSP): everything hangs off document-level listeners, so it also works for
 * the card fragments that htmx swaps in. The pages work without this file (plain form posts).
 */
(function () {
  "use strict";

  var PREFIX = "league-referee:";

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  /* +/- buttons beside a number input (knockdowns, fouls, points) */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.rf-step");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-for"));
    if (!input || input.disabled) return;
    var value = parseInt(input.value, 10);
    if (isNaN(value)) value = 0;
    value += parseInt(button.getAttribute("data-step"), 10) || 0;
    var min = input.hasAttribute("min") ? parseInt(input.min, 10) : 0;
    var max = input.hasAttribute("max") ? parseInt(input.max, 10) : Infinity;
    value = Math.max(min, Math.min(max, value));
    input.value = String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });

  /* A round's counts live in the tab's sessionStorage until the round is recorded, so a tap on
   * "manual reset" (which swaps the card) or a reload does not lose them. */
  function fieldsOf(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") return;
      out.push(el);
    });
    return out;
  }

  function save(form) {
    var s = store();
    if (!s) return;
    var data = {};
    fieldsOf(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) data[el.name] = el.value;
      } else {
        data[el.name] = el.value;
      }
    });
    s.setItem(PREFIX + form.getAttribute("data-persist"), JSON.stringify(data));
  }

  function forget(scope, keep) {
    var s = store();
    if (!s) return;
    for (var i = s.length - 1; i >= 0; i--) {
      var key = s.key(i);
      if (key && key.indexOf(PREFIX + scope) === 0 && key !== PREFIX + keep) s.removeItem(key);
    }
  }

  function restore(root) {
    var s = store();
    if (!s || !root || !root.querySelectorAll) return;
    var cards = root.matches && root.matches(".rf-match-card") ? [root] : root.querySelectorAll(".rf-match-card");
    Array.prototype.forEach.call(cards, function (card) {
      var form = card.querySelector("form[data-persist]");
      forget("match-" + card.getAttribute("data-match") + "-round-", form ? form.getAttribute("data-persist") : "");
    });
    Array.prototype.forEach.call(root.querySelectorAll("form[data-persist]"), function (form) {
      if (form.getAttribute("data-bound") === "1") { save(form); return; }  // the server's values win
      var raw = s.getItem(PREFIX + form.getAttribute("data-persist"));
      if (!raw) return;
      var data;
      try { data = JSON.parse(raw); } catch (e) { return; }
      fieldsOf(form).forEach(function (el) {
        if (!(el.name in data)) return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === data[el.name];
        else el.value = data[el.name];
      });
    });
  }

  function remember(event) {
    var form = event.target && event.target.form;
    if (form && form.hasAttribute("data-persist")) save(form);
  }
  document.addEventListener("input", remember);
  document.addEventListener("change", remember);
  document.addEventListener("DOMContentLoaded", function () { restore(document); });
  // afterSwap: before htmx settles, so the counts never flash back to zero; load: fresh content
  document.addEventListener("htmx:afterSwap", function () { restore(document); });
  document.addEventListener("htmx:load", function (event) { restore(event.detail.elt); });

  /* After a swap, bring what needs reading into view: a refusal or conflict first, else (after a
   * round or the start) the top of the card with the score. Allowance taps keep their place. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var card = document.querySelector(".rf-match-card, .rf-queue");
    if (!card) return;
    var alert = card.querySelector(".rf-notice[role=alert]:not([hidden]), .rf-form-errors, .rf-field-error");
    var target = alert;
    if (!target) {
      var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
      if (source && source.closest && source.closest("[data-scroll-top]")) target = card;
    }
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: alert ? "center" : "start" });
    target.focus({ preventScroll: true });
  });

  /* The venue network may drop: say so plainly; the form stays as it was, nothing was saved. */
  function netMessage(event, kind) {
    var card = event.target && event.target.closest ? event.target.closest(".rf-match-card, .rf-queue") : null;
    var boxes = (card || document).querySelectorAll(".rf-net-status");
    Array.prototype.forEach.call(boxes, function (box) {
      box.textContent = box.getAttribute(kind) || box.getAttribute("data-failed") || "";
      box.hidden = false;
    });
  }
  document.addEventListener("htmx:sendError", function (event) { netMessage(event, "data-offline"); });
  document.addEventListener("htmx:timeout", function (event) { netMessage(event, "data-offline"); });
  document.addEventListener("htmx:responseError", function (event) { netMessage(event, "data-failed"); });

  // The card's "changed elsewhere?" poll listens to the match's event stream (league.push):
  // while the stream is open, the stream triggers it and the timed poll stands down; when it
  // drops, the 8 s poll takes over until it reconnects.
  function pushState(open) {
    return function (event) {
      var elt = event.detail && event.detail.elt;
      if (!elt || !elt.classList || !elt.classList.contains("rf-poller")) { return; }
      if (open) { elt.setAttribute("data-push", "open"); } else { elt.removeAttribute("data-push"); }
    };
  }
  document.addEventListener("htmx:sseOpen", pushState(true));
  document.addEventListener("htmx:sseError", pushState(false));
  document.addEventListener("htmx:sseClose", pushState(false));
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (!event.detail.triggeringEvent && elt && elt.classList && elt.classList.contains("rf-poller") &&
        elt.getAttribute("data-push") === "open") {
      event.preventDefault();  // a timed poll while the stream is open: nothing to ask
    }
  });
})();
