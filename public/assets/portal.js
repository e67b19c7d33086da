// Progressive enhancement. Every page works without this file.
// 1. Remember the large-text choice across pages.
// 2. Load the browser app (search as you type, live results, case status)
//    lazily: when someone focuses the search box or starts a pre-check, or
//    on pages that need it at once.
//    It is an external script, so the CSP needs no inline script.
(function () {
  var html = document.documentElement;
  html.classList.add("js");
  var box = document.getElementById("large-text");
  if (box) {
    try {
      box.checked = localStorage.getItem("large-text") === "1";
      html.classList.toggle("large-text", box.checked);
      box.addEventListener("change", function () {
        localStorage.setItem("large-text", box.checked ? "1" : "0");
        html.classList.toggle("large-text", box.checked);
      });
    } catch (e) { /* storage blocked: the toggle still works on this page */ }
  }

  var started = false;
  function loadApp() {
    if (started || !html.dataset.appJs) return;
    started = true;
    html.setAttribute("data-app-state", "loading");
    import(html.dataset.appJs)
      .then(function (m) { return m.default({ module_or_path: html.dataset.appWasm }); })
      .catch(function (e) {
        html.setAttribute("data-app-state", "failed");
        if (window.console) console.warn("portal app did not load; the plain pages still work", e);
      });
  }
  var q = document.getElementById("q");
  if (q) {
    q.addEventListener("focus", loadApp);
    if (document.activeElement === q) loadApp();
  }
  if (document.getElementById("search-results") || document.getElementById("case-lookup")) loadApp();
  // The pre-check: at once for a shared link with answers, else when
  // someone starts answering (the app then reads what was picked).
  var check = document.getElementById("precheck-data") && document.getElementById("precheck");
  if (check) {
    if (location.search) loadApp();
    ["focusin", "pointerdown", "keydown"].forEach(function (t) {
      check.addEventListener(t, loadApp, { once: true, passive: true });
    });
  }
})();
