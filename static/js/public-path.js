/* bootstrap-italia looks for its fonts at window.__PUBLIC_PATH__; the path comes from the page
   (json_script "bi-public-path"), so no template value is ever written into script source. */
(function () {
  "use strict";
  var el = document.getElementById("bi-public-path");
  if (el) { window.__PUBLIC_PATH__ = JSON.parse(el.textContent); }
})();
