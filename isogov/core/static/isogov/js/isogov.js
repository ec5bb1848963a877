/* isogov — the menu button on phones, and table cells labelled for the phone card layout. */
(function () {
  "use strict";

  // Under 600 px every table row is shown as a card: each cell carries its column's heading.
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (cell.tagName !== "TD" && cell.tagName !== "TH") return;
          var head = heads[column];
          var text = head ? head.textContent.trim() : "";
          if (text && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", text);
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function menu() {
    var button = document.getElementById("menu-button");
    if (!button) return;
    var header = button.closest("header");
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelCells(document);
    menu();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    labelCells(event.target);
  });
})();
