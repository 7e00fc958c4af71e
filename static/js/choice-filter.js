/* A long list of tick boxes (neighbourhoods, SDGs) narrowed as one types, with the chosen ones
   listed above it, each with a button that removes it. Without this script the tick boxes are all
   shown and work as they are. The words come from the page (data-* attributes of the tools),
   already in its language. Loaded by the forms that have such a list (ChoiceFilterCheckboxes). */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function enhance(fieldset) {
    if (fieldset.dataset.enhanced) return;
    fieldset.dataset.enhanced = "1";
    var tools = fieldset.querySelector(".c4-choices-tools");
    var filter = tools.querySelector(".c4-choices-filter");
    var status = tools.querySelector(".c4-choices-status");
    var chosen = tools.querySelector(".c4-choices-chosen");
    var none = tools.querySelector(".c4-choices-none");
    var items = Array.prototype.map.call(fieldset.querySelectorAll(".c4-choices-list .form-check"), function (row) {
      var box = row.querySelector("input[type=checkbox]");
      var label = row.querySelector("label").textContent.trim();
      return { row: row, box: box, label: label, words: fold(label) };
    });
    tools.hidden = false;

    function visible() {
      return items.filter(function (item) { return !item.row.hidden; });
    }

    function applyFilter() {
      var words = fold(filter.value).split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        item.row.hidden = !words.every(function (w) { return item.words.indexOf(w) !== -1; });
      });
      var shown = visible().length;
      status.textContent = words.length === 0 ? "" :
        shown === 0 ? tools.dataset.none : fill(tools.dataset.shown, { count: shown, total: items.length });
    }

    function drawChosen() {
      chosen.textContent = "";
      var picked = items.filter(function (item) { return item.box.checked; });
      none.hidden = picked.length > 0;
      picked.forEach(function (item) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary c4-chip";
        button.setAttribute("aria-label", fill(tools.dataset.remove, { choice: item.label }));
        var text = document.createElement("span");
        text.className = "c4-chip-text";
        text.textContent = item.label;
        var cross = document.createElement("span");
        cross.setAttribute("aria-hidden", "true");
        cross.textContent = " \u00d7";
        button.appendChild(text);
        button.appendChild(cross);
        button.addEventListener("click", function () {
          item.box.checked = false;
          drawChosen();
          filter.focus();
        });
        li.appendChild(button);
        chosen.appendChild(li);
      });
    }

    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      // Enter or the down arrow goes to the first match instead of sending the form
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        var first = visible()[0];
        if (first) first.box.focus();
      }
    });
    items.forEach(function (item) { item.box.addEventListener("change", drawChosen); });
    drawChosen();
  }

  document.querySelectorAll("fieldset.c4-choices").forEach(enhance);
})();
