// The visit form on a phone: the position from the browser (manual entry when refused) and the distance to the
// institution as it changes, the checklist or the reason the worker could not inspect, and a draft kept on the
// phone (IndexedDB, photos included) until the server has it. The draft carries a client_id made once, so sending
// it again after a lost answer returns the visit already stored instead of a second one.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var key = form.dataset.draftKey;
  var status = document.getElementById("draft-status");
  var geoStatus = document.getElementById("geo-status");
  var field = function (name) { return form.elements.namedItem(name); };

  function say(element, text) { element.textContent = text; element.hidden = false; }

  // --- position, and the distance to the institution as the worker walks ---------------------------------------
  var distanceStatus = document.getElementById("distance");
  var target = {lat: parseFloat(form.dataset.latitude), lon: parseFloat(form.dataset.longitude)};
  var maxDistance = parseFloat(form.dataset.maxDistance);
  var watching = null;

  // Great-circle metres (haversine): within a metre or two of the server's geodesic figure at these distances.
  function metres(lat, lon) {
    var rad = Math.PI / 180, dLat = (lat - target.lat) * rad, dLon = (lon - target.lon) * rad;
    var a = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat * rad) * Math.cos(target.lat * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
  }
  function showDistance() {
    var lat = parseFloat(field("latitude").value), lon = parseFloat(field("longitude").value);
    if (isNaN(lat) || isNaN(lon) || isNaN(target.lat)) { distanceStatus.hidden = true; return; }
    var m = Math.round(metres(lat, lon)), far = m > maxDistance;
    say(distanceStatus, (far ? form.dataset.msgTooFar : form.dataset.msgDistance).replace("{m}", m).replace("{max}", maxDistance));
    distanceStatus.classList.toggle("too-far", far);
  }
  function manual() { field("position_source").value = "manual"; showDistance(); }
  function locate() {
    if (!navigator.geolocation) { say(geoStatus, form.dataset.msgRefused); manual(); return; }
    say(geoStatus, form.dataset.msgLocating);
    if (watching !== null) { navigator.geolocation.clearWatch(watching); }
    watching = navigator.geolocation.watchPosition(function (position) {
      field("latitude").value = position.coords.latitude.toFixed(6);
      field("longitude").value = position.coords.longitude.toFixed(6);
      field("accuracy").value = Math.round(position.coords.accuracy);
      field("position_source").value = "gps";
      say(geoStatus, form.dataset.msgLocated.replace("{m}", Math.round(position.coords.accuracy)));
      geoStatus.dataset.located = "1";
      showDistance();
    }, function () {
      say(geoStatus, form.dataset.msgRefused);
      geoStatus.dataset.located = "0";
      manual();
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 10000});
  }
  function typed() {  // a position typed by hand is not overwritten by the next fix
    if (watching !== null) { navigator.geolocation.clearWatch(watching); watching = null; }
    manual();
  }
  ["latitude", "longitude"].forEach(function (name) { field(name).addEventListener("input", typed); });
  document.getElementById("locate").addEventListener("click", locate);

  // --- could not inspect: the reason instead of the checklist ---------------------------------------------------
  function showOutcome() {
    var chosen = form.querySelector("input[name=outcome]:checked");
    var inspected = !chosen || chosen.value === "inspected";
    document.getElementById("checklist").hidden = !inspected;
    document.getElementById("outcome-reason").hidden = inspected;
  }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=outcome]"), function (input) {
    input.addEventListener("change", showOutcome);
  });
  showOutcome();

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  if (!field("visited_at").value) {
    var now = new Date();
    field("visited_at").value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + "T" +
      pad(now.getHours()) + ":" + pad(now.getMinutes());
  }
  if (!field("client_id").value) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    field("client_id").value = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // --- the draft --------------------------------------------------------------------------------------------
  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { resolve(null); return; }
      var opening = indexedDB.open("registry-visits", 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore("drafts", {keyPath: "key"}); };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var tx = opening.result.transaction("drafts", mode);
        var request = work(tx.objectStore("drafts"));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = function () { reject(tx.error); };
      };
    });
  }
  function saveDraft(data) {
    var entries = [];
    data.forEach(function (value, name) { entries.push([name, value]); });
    return store("readwrite", function (s) { return s.put({key: key, url: form.action || location.href, entries: entries}); });
  }
  function loadDraft() { return store("readonly", function (s) { return s.get(key); }); }
  function dropDraft() { return store("readwrite", function (s) { return s.delete(key); }); }

  function send(draft) {
    var data = new FormData();
    draft.entries.forEach(function (entry) { data.append(entry[0], entry[1]); });
    say(status, form.dataset.msgSending);
    return fetch(draft.url, {method: "POST", body: data, credentials: "same-origin",
                             headers: {"X-Visit-Draft": "1"}}).then(function (response) {
      if (response.ok && (response.headers.get("Content-Type") || "").indexOf("application/json") === 0) {
        // Stored: the server answers where the visit is (its "saved" message waits there) instead of redirecting,
        // which would spend the message on a page fetched in the background.
        return response.json().then(function (answer) {
          return dropDraft().then(function () { window.location.href = answer.url; });
        });
      }
      return response.text().then(function (html) {  // the form again, with what to correct
        return dropDraft().then(function () { document.open(); document.write(html); document.close(); });
      });
    }, function () {
      say(status, form.dataset.msgOffline);
      form.dataset.pending = "1";
    });
  }
  function resend() {
    loadDraft().then(function (draft) { if (draft) { send(draft); } });
  }

  form.addEventListener("submit", function (event) {
    var photos = field("photos");
    if (photos.files.length > 6) { event.preventDefault(); say(status, form.dataset.msgTooMany); return; }
    if (!window.indexedDB || !window.fetch) { return; }  // a plain submit
    event.preventDefault();
    var data = new FormData(form);
    saveDraft(data).then(function () { return send({key: key, url: form.action || location.href, entries: Array.from(data.entries())}); });
  });
  window.addEventListener("online", resend);
  window.setInterval(function () { if (form.dataset.pending === "1" && navigator.onLine) { resend(); } }, 30000);

  loadDraft().then(function (draft) {
    if (draft) {
      say(status, form.dataset.msgDraft);
      form.dataset.pending = "1";
      if (navigator.onLine) { send(draft); }
    } else {
      locate();
    }
  });
})();
