// embedded.js makes shopqb's server-rendered pages behave like a single-page
// app inside the Shopify admin: same-origin links and form submits become
// fetch() calls, which App Bridge gives the session token (Authorization:
// Bearer); the answer's <main> replaces this page's, and redirects are
// followed. Without it a link still works through the bounce page.
(function () {
  "use strict";
  function sameOrigin(url) { return url.origin === location.origin; }

  function swap(html, url, push) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.querySelector("main"), cur = document.querySelector("main");
    if (!next || !cur) { location.assign(url); return; }
    cur.replaceWith(next);
    document.title = doc.title;
    if (push) history.pushState({}, "", url);
    if (window.shopqb) window.shopqb.init(next);
    window.scrollTo(0, 0);
  }

  function load(url, opts, push) {
    return fetch(url, opts).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (type.indexOf("text/html") < 0) {
        // A download: hand the file to the browser under its name.
        return r.blob().then(function (b) {
          var m = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
          var a = document.createElement("a");
          a.href = URL.createObjectURL(b); a.download = m ? m[1] : "download";
          document.body.appendChild(a); a.click(); a.remove();
        });
      }
      // fetch follows 303s itself; r.url is where it ended.
      return r.text().then(function (html) { swap(html, r.url || url, push); });
    });
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href], s-link[href], s-button[href]");
    if (!a || e.defaultPrevented || e.metaKey || e.ctrlKey || e.shiftKey) return;
    var url = new URL(a.getAttribute("href"), location.href);
    if (!sameOrigin(url) || url.hash && url.pathname === location.pathname) return;
    e.preventDefault();
    load(url.href, { method: "GET" }, true);
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var url = new URL(form.getAttribute("action") || location.href, location.href);
    if (!sameOrigin(url)) return;
    e.preventDefault();
    var method = (form.getAttribute("method") || "get").toUpperCase();
    var data = new FormData(form);
    if (method === "GET") {
      url.search = new URLSearchParams(data).toString();
      load(url.href, { method: "GET" }, true);
    } else {
      load(url.href, { method: method, body: data }, true);
    }
  });

  window.addEventListener("popstate", function () { load(location.href, { method: "GET" }, false); });
})();
