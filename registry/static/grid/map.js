// The grid map: cells coloured by institutions or overdue visits (with a legend of what each colour counts), named,
// the chosen cell (?cell=) outlined; institutions as markers by category.
// Leaflet from the app's own static files; tiles only when a tile URL is configured.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  var CATEGORY_COLOURS = {academic: "#b91c1c", tech: "#1d4ed8", arts: "#7e22ce", sports: "#15803d"};
  var map = L.map(element, {preferCanvas: false});
  var cellLayer = null;
  var data = null;

  // Tooltips get an element holding text, never a string: Leaflet would read a string as HTML, and a name is
  // whatever the institution registered.
  function asText(content) {
    var span = document.createElement("span");
    span.textContent = content;
    return span;
  }

  var EMPTY = "#f1f5f9", STEPS = ["#fff7d6", "#fde68a", "#fbbf24", "#f59e0b", "#b45309"];
  var LABELLED_CELLS = 40;  // more leaf cells than this are named in tooltips only, or the names would overlap

  function step(value, max) { return Math.min(STEPS.length - 1, Math.floor(value / Math.max(1, max) * STEPS.length)); }
  function colour(value, max) { return value ? STEPS[step(value, max)] : EMPTY; }

  // The legend says which counts each colour stands for, as the colours are shares of the largest count shown.
  function legend(measure, max) {
    var list = document.getElementById("cell-legend");
    list.textContent = "";
    var rows = [[EMPTY, "0"]];
    STEPS.forEach(function (fill, k) {
      var values = [];
      for (var v = 1; v <= max; v++) { if (step(v, max) === k) { values.push(v); } }
      if (values.length) {
        var last = values[values.length - 1];
        rows.push([fill, values[0] === last ? String(last) : values[0] + "–" + last]);
      }
    });
    var title = document.createElement("li");
    title.className = "legend-title";
    title.textContent = measure === "overdue" ? element.dataset.legendOverdue : element.dataset.legendInstitutions;
    list.appendChild(title);
    rows.forEach(function (row) {
      var item = document.createElement("li"), swatch = document.createElement("span");
      swatch.className = "swatch square";
      swatch.style.background = row[0];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(row[1]));
      list.appendChild(item);
    });
  }

  function draw(measure) {
    if (cellLayer) { map.removeLayer(cellLayer); }
    var leaves = data.cells.features.filter(function (f) { return f.properties.leaf; });
    var max = leaves.reduce(function (m, f) { return Math.max(m, f.properties[measure]); }, 0);
    var chosen = element.dataset.cell, named = leaves.length <= LABELLED_CELLS;
    cellLayer = L.geoJSON(data.cells, {
      style: function (f) {
        var leaf = f.properties.leaf;  // cells with cells under them are drawn as outlines
        if (f.id === chosen) {
          return {color: "#1f4e8c", weight: 4, fillOpacity: leaf ? 0.6 : 0.08, fillColor: leaf ? colour(f.properties[measure], max) : "#1f4e8c",
                  className: "chosen-cell"};
        }
        return {color: "#334155", weight: leaf ? 1 : 2.5, fillOpacity: leaf ? 0.6 : 0,
                fillColor: colour(f.properties[measure], max)};
      },
      onEachFeature: function (f, layer) {
        var permanent = f.id === chosen || (named && f.properties.leaf);
        layer.bindTooltip(asText(f.properties.name), {permanent: permanent, direction: "center",
                                                      className: permanent ? "cell-label" : ""});
        if (!permanent) {
          layer.bindTooltip(asText(f.properties.name + " · " + f.properties.institutions + " " +
                                   element.dataset.labelInstitutions + ", " + f.properties.overdue + " " +
                                   element.dataset.labelOverdue));
        }
        layer.on("click", function () { window.location.href = f.properties.url; });
      }
    }).addTo(map);
    cellLayer.bringToBack();
    cellLayer.eachLayer(function (layer) { if (layer.feature.id === chosen) { layer.bringToFront(); } });
    legend(measure, max);
  }

  function show(payload) {
    data = payload;
    if (payload.tile_url) {
      L.tileLayer(payload.tile_url, {maxZoom: 19}).addTo(map);
    }
    draw("institutions");
    var markers = L.layerGroup(payload.institutions.map(function (i) {
      var marker = L.circleMarker([i.lat, i.lon], {radius: 5, weight: 1, color: "#fff", fillOpacity: 0.9,
                                                   fillColor: CATEGORY_COLOURS[i.category] || "#475569"});
      marker.bindTooltip(asText(i.name));
      marker.on("click", function () { window.location.href = i.url; });
      return marker;
    })).addTo(map);
    var focus = element.dataset.cell && payload.cells.features.filter(function (f) { return f.id === element.dataset.cell; })[0];
    var bounds = focus ? L.geoJSON(focus).getBounds() : (payload.cells.features.length ? cellLayer.getBounds() : null);
    if (bounds && bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([28.0, 120.65], 10); }
    element.dataset.ready = String(payload.cells.features.length);
    element.dataset.markers = String(payload.institutions.length);
    markers.eachLayer(function (m) { m.bringToFront(); });
  }

  document.querySelectorAll("#map-colour input").forEach(function (input) {
    input.addEventListener("change", function () { if (data) { draw(input.value); } });
  });
  fetch(element.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (r) { return r.json(); }).then(show);
})();
