/* Small behaviours of every page, loaded deferred. Nothing here is needed to read the site. */
(function () {
  "use strict";
  // Filters that fold away on a phone are open from the first screen on a wide one.
  if (window.matchMedia && window.matchMedia("(min-width: 768px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }

  // The header's menu on a phone: the button names the panel (aria-controls) and the class that
  // shows it: "expanded" for Bootstrap Italia's side menu, "show" for Bootstrap's collapse. This is
  // all of Bootstrap Italia's and Bootstrap's bundles (80 KB to 1 MB) the pages need. The side menu
  // covers the page, so while it is open Tab stays in it and Escape closes it.
  document.querySelectorAll("[data-nav-open]").forEach(function (button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    var shown = button.getAttribute("data-nav-open");
    if (!panel) { return; }
    var modal = shown === "expanded";
    function isOpen() { return panel.classList.contains(shown); }
    function focusable() {
      return Array.prototype.filter.call(panel.querySelectorAll("a[href], button"), function (n) {
        return n.offsetParent !== null;
      });
    }
    function set(open, returnFocus) {
      panel.classList.toggle(shown, open);
      button.setAttribute("aria-expanded", String(open));
      if (open && modal) {
        var first = focusable()[0];
        if (first) { first.focus(); }
      } else if (!open && returnFocus) {
        button.focus();
      }
    }
    button.addEventListener("click", function () { set(!isOpen(), false); });
    panel.querySelectorAll("[data-nav-close]").forEach(function (closer) {
      closer.addEventListener("click", function () { set(false, true); });
    });
    document.addEventListener("keydown", function (e) {
      if (!isOpen()) { return; }
      if (e.key === "Escape") { set(false, true); return; }
      if (e.key !== "Tab" || !modal) { return; }
      var items = focusable();
      if (!items.length) { return; }
      var first = items[0], last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) { last.focus(); e.preventDefault(); }
      else if (!e.shiftKey && document.activeElement === last) { first.focus(); e.preventDefault(); }
    });
  });
})();
