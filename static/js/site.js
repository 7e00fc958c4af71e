/* Small behaviours of every page, loaded deferred. Nothing here is needed to use the site. */
(function () {
  "use strict";
  // Filters that fold away on a phone are open from the first screen on a wide one.
  if (window.matchMedia && window.matchMedia("(min-width: 768px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }
})();
