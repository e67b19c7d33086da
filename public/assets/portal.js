// Small progressive enhancement: remember the large-text choice across pages.
// Everything works without it.
(function () {
  document.documentElement.classList.add("js");
  var box = document.getElementById("large-text");
  if (!box) return;
  try {
    box.checked = localStorage.getItem("large-text") === "1";
    document.documentElement.classList.toggle("large-text", box.checked);
    box.addEventListener("change", function () {
      localStorage.setItem("large-text", box.checked ? "1" : "0");
      document.documentElement.classList.toggle("large-text", box.checked);
    });
  } catch (e) { /* storage blocked: the toggle still works on this page */ }
})();
