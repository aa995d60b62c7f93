// The register list's grid-cell field: a province's grid is thousands of cells, too many to send with every page,
// so the field's suggestions come from the server as the user types (code prefix or part of the name). Without
// this script the field still takes a typed code.
(function () {
  "use strict";
  var input = document.getElementById("cell-filter");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var name = document.getElementById("cell-name");
  var timer = null;
  var asked = 0;  // the number of the latest request: an answer to an older one arrives too late and is dropped

  function fill(cells) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    cells.forEach(function (cell) {
      var option = document.createElement("option");
      option.value = cell.code;
      option.textContent = cell.path.concat([cell.name]).join(" / ");  // text, never markup
      option.dataset.name = cell.name;
      list.appendChild(option);
    });
  }

  // The name beside the field follows what is typed: the cell's when a suggestion's code, none otherwise.
  function showName() {
    var chosen = Array.prototype.find.call(list.options, function (o) { return o.value === input.value.trim(); });
    name.textContent = chosen ? chosen.dataset.name : "";
    name.classList.remove("unknown");
  }

  function ask() {
    var q = input.value.trim();
    var number = ++asked;
    if (!q) { fill([]); return; }
    var options = {credentials: "same-origin", headers: {Accept: "application/json"}};
    fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), options)
      .then(function (response) { return response.ok ? response.json() : {cells: []}; })
      .then(function (data) {
        if (number !== asked) { return; }
        fill(data.cells);
        showName();
      })
      .catch(function () {});  // no suggestions; a typed code still works
  }

  input.addEventListener("input", function () {
    showName();
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
})();
