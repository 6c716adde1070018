// Light enhancement of the console; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // 新增申报职数: add a line without a round trip.
  var add = document.getElementById("add-line");
  var body = document.querySelector("#lines tbody");
  if (add && body) {
    add.addEventListener("click", function (ev) {
      ev.preventDefault();
      var row = body.querySelector("tr.line").cloneNode(true);
      row.querySelectorAll("input, select").forEach(function (el) { el.value = ""; });
      row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      body.appendChild(row);
      row.querySelector("select").focus();
    });
  }
  // Ask before a destructive button.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
});
