// shopqb's small page helpers, for both ways in. Pages work without them
// (standalone); they add a copy button, the live waits and focus on the
// error summary. embedded.js calls shopqb.init again after it swaps <main>.
(function () {
  "use strict";
  var timers = [];

  function copy(btn) {
    var field = document.getElementById(btn.getAttribute("data-copy"));
    if (!field) return;
    var text = field.value || field.getAttribute("value") || "";
    var done = function () {
      var status = document.querySelector('[data-copy-status="' + btn.getAttribute("data-copy") + '"]');
      if (status) status.textContent = btn.getAttribute("data-copied") || "";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else if (field.select) {
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) {}
    }
  }

  // announce copies a polled region's [data-announce] text into the live
  // region it names (data-announce-to) when it changed: the region itself is
  // not live, so a progress bar updated every 2 s is announced once per step.
  function announce(region) {
    var to = document.getElementById(region.getAttribute("data-announce-to") || "");
    var src = region.querySelector("[data-announce]");
    if (to && src && to.textContent !== src.textContent) to.textContent = src.textContent;
  }

  // poll refreshes a live region from its endpoint every 2 seconds until the
  // answer says the wait is over (data-poll-done), or for as long as the
  // page is open when the region says data-poll-keep (a new token was just
  // made: the state shown is about to change).
  function poll(region) {
    var url = region.getAttribute("data-poll");
    var keep = region.hasAttribute("data-poll-keep");
    if (!url || (!keep && region.querySelector("[data-poll-done]"))) return;
    var t = setInterval(function () {
      fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          if (region.innerHTML.trim() !== html.trim()) region.innerHTML = html;
          announce(region);
          if (!keep && region.querySelector("[data-poll-done]")) clearInterval(t);
        })
        .catch(function () {});
    }, 2000);
    timers.push(t);
  }

  function init(root) {
    timers.forEach(clearInterval);
    timers = [];
    root = root || document;
    root.querySelectorAll("[data-copy]").forEach(function (btn) {
      btn.hidden = false;
      btn.removeAttribute("hidden");
      btn.addEventListener("click", function (e) { e.preventDefault(); copy(btn); });
    });
    root.querySelectorAll("[data-poll]").forEach(poll);
    var summary = root.querySelector("[data-error-summary]");
    if (summary) summary.focus();
    // The error codes' select shows its fix as soon as one is picked.
    var code = root.querySelector('select[name="code"]');
    if (code && code.form) code.addEventListener("change", function () { code.form.requestSubmit ? code.form.requestSubmit() : code.form.submit(); });
  }

  window.shopqb = { init: init };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
