// Menu: one task group open at a time; on a phone the whole menu folds behind one button.
(function () {
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  var groups = document.querySelectorAll(".navgroup");
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    if (window.matchMedia("(max-width: 800px)").matches) return;
    groups.forEach(function (group) { if (!group.contains(event.target)) group.open = false; });
  });
  // Sortable tables: a header with data-sort sorts its column in the browser (the page's rows).
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th[data-sort]").forEach(function (th, _i) {
      var index = Array.prototype.indexOf.call(th.parentNode.children, th);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = th.dataset.sort === "num";
        rows.sort(function (a, b) {
          var x = a.cells[index], y = b.cells[index];
          var ka = x.dataset.value !== undefined ? x.dataset.value : x.textContent.trim();
          var kb = y.dataset.value !== undefined ? y.dataset.value : y.textContent.trim();
          var r = numeric ? (parseFloat(ka) || 0) - (parseFloat(kb) || 0) : ka.localeCompare(kb, "id");
          return asc ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  // No inline handlers or styles (Content-Security-Policy): pages mark elements with data-
  // attributes and this file gives them their behaviour and colour.
  // A filter that applies itself: <select data-autosubmit> submits its form on change.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-autosubmit]") && target.form) target.form.submit();
    // "Select all": <input type="checkbox" data-check-all="NAME"> ticks every box named NAME.
    if (target.matches && target.matches("[data-check-all]")) {
      var name = target.getAttribute("data-check-all");
      (target.form || document).querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === name) box.checked = target.checked;
      });
    }
  });
  // Colours that come from data (coverage bands): only a #rgb/#rrggbb value is applied.
  var HEX = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/;
  document.querySelectorAll("[data-colour]").forEach(function (el) {
    var colour = el.getAttribute("data-colour");
    if (HEX.test(colour)) el.style.backgroundColor = colour;
  });
  document.querySelectorAll("[data-border-colour]").forEach(function (el) {
    var colour = el.getAttribute("data-border-colour");
    if (HEX.test(colour)) el.style.borderLeftColor = colour;
  });
})();
