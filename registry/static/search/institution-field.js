// A form's institution field: the register is thousands of institutions, so its suggestions come from the server as
// the user types (part of the name, the credit code, pinyin), limited to what the user may see; choosing one puts
// its credit code in the field. Without this script the field still takes a typed credit code.
(function () {
  "use strict";
  var input = document.getElementById("institution");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var asked = 0;  // the latest request's number: an older answer arriving late is dropped

  function fill(institutions) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    institutions.forEach(function (institution) {
      var option = document.createElement("option");
      option.value = institution.credit_code;
      option.textContent = institution.name + (institution.district ? " · " + institution.district : "");  // text only
      list.appendChild(option);
    });
  }

  function ask() {
    var q = input.value.trim();
    var number = ++asked;
    if (q.length < 2) { fill([]); return; }
    fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {institutions: []}; })
      .then(function (data) { if (number === asked) { fill(data.institutions); } })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
})();
