// Search and sort for the overview; without JavaScript the table is all there, unsorted and unfiltered.
(function () {
  var table = document.querySelector(".ih-dir__table"), body = table.tBodies[0], rows = [].slice.call(body.rows);
  var box = document.querySelector(".ih-dir__search"), query = document.getElementById("ih-dir-q");
  var count = document.getElementById("ih-dir-count"), heads = [].slice.call(table.tHead.rows[0].cells);
  box.hidden = false;
  table.querySelector(".ih-dir__sort-hint").hidden = false;
  table.classList.add("ih-dir__table--sortable");
  query.addEventListener("input", function () {
    var wanted = query.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) < 0;
      if (!row.hidden) { shown++; }
    });
    count.textContent = shown + " af " + rows.length + " kommuner vises.";
  });
  function key(row, i) {
    var cell = row.cells[i];
    return cell ? (cell.getAttribute("data-k") || cell.textContent).trim() : "";
  }
  heads.forEach(function (head, i) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = head.textContent;
    head.textContent = "";
    head.appendChild(button);
    button.addEventListener("click", function () {
      var up = head.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      head.setAttribute("aria-sort", up ? "ascending" : "descending");
      rows.sort(function (a, b) { return key(a, i).localeCompare(key(b, i), "da") * (up ? 1 : -1); });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
