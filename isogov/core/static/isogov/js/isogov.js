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

  // The browser's own validation messages follow its language; these follow the page's.
  var messages = null;

  function messageFor(field) {
    if (messages === null) {
      var node = document.getElementById("validation-messages");
      messages = node ? JSON.parse(node.textContent) : {};
    }
    var v = field.validity;
    var m = messages;
    if (v.valueMissing) {
      if (field.tagName === "SELECT") return m.selectMissing;
      if (field.type === "checkbox" || field.type === "radio") return m.checkMissing;
      return m.valueMissing;
    }
    if (v.typeMismatch) return field.type === "email" ? m.email : m.url;
    if (v.patternMismatch) return m.pattern + (field.title ? " " + field.title + "." : "");
    if (v.tooShort) return m.tooShort.replace("{n}", field.minLength);
    if (v.tooLong) return m.tooLong.replace("{n}", field.maxLength);
    if (v.rangeUnderflow) return m.rangeUnderflow.replace("{n}", field.min);
    if (v.rangeOverflow) return m.rangeOverflow.replace("{n}", field.max);
    if (v.stepMismatch) return m.stepMismatch;
    if (v.badInput) return m.badInput;
    return "";
  }

  document.addEventListener("invalid", function (event) {
    var field = event.target;
    field.setCustomValidity("");
    var text = messageFor(field);
    if (text) field.setCustomValidity(text);
  }, true);
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.setCustomValidity) event.target.setCustomValidity("");
    }, true);
  });

  // Behaviour that used to sit in handler attributes (the CSP allows no inline script):
  // a drop-down that submits its form, a print button, a confirmation before an action.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
    var back = event.target.closest && event.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    labelCells(document);
    menu();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    labelCells(event.target);
  });
})();
