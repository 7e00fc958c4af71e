/* The location picker of the need and site forms (cities/includes/location_picker.html).
   The latitude and longitude inputs stay what the form posts; this script keeps them in step with
   a pin on a Leaflet map (click, drag, "centre" button, a known place, an address) and shows the
   neighbourhood the server finds for the point (the API's areas/locate: the same code that
   resolves it when the form is saved). Names from the server are only ever set as text. */
(function () {
  "use strict";
  var box = document.querySelector("[data-location-picker]");
  var cfgEl = document.getElementById("location-picker-config");
  if (!box || !cfgEl || typeof L === "undefined") { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var live = box.querySelector(".picker-live");
  var fallback = box.querySelector(".picker-fallback");
  var latIn = box.querySelector("input[name=lat]");
  var lonIn = box.querySelector("input[name=lon]");
  var areaOut = document.getElementById("picker-area");
  var found = document.getElementById("picker-found");
  var texts = box.dataset;
  live.hidden = false;
  if (fallback && !fallback.hasAttribute("data-keep-open")) { fallback.open = false; }

  function getJSON(url, accept) {
    return fetch(url, { headers: { Accept: accept || "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    });
  }
  function el(tag, className, value) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (value !== undefined && value !== null) { node.textContent = String(value); }
    return node;
  }
  function query(url, params) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + new URLSearchParams(params).toString();
  }

  var map = L.map("picker-map", { zoomControl: false, zoomSnap: 0.5 });
  L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { attribution: el("span", null, cfg.tileAttribution).innerHTML, maxZoom: 19 }).addTo(map);
  }
  if (cfg.bounds) { map.fitBounds(cfg.bounds); } else { map.setView([0, 0], 2); }
  if (cfg.geojson) {
    // The neighbourhoods' outlines are the base map when the city has no tiles, simplified for the
    // zoom they are drawn at and asked for again, finer, when one zooms in past it.
    var outlines = L.geoJSON(null, {
      interactive: false,
      style: { color: "#495057", weight: 1, fillColor: "#dee2e6", fillOpacity: cfg.tileUrl ? 0.1 : 0.6 }
    }).addTo(map);
    var drawnAt = -1;
    var drawOutlines = function () {
      var z = Math.min(16, Math.floor(map.getZoom()));
      if (z <= drawnAt) { return; }
      drawnAt = z;
      getJSON(query(cfg.geojson, { zoom: z }), "application/geo+json").then(function (r) {
        if (!r.ok || z !== drawnAt) { return; }
        outlines.clearLayers();
        outlines.addData(r.body);
        box.setAttribute("data-drawn", "true");
      });
    };
    drawOutlines();
    map.on("zoomend", drawOutlines);
  }

  var marker = null;
  var asked = 0;
  function locate(lat, lon) {
    var mine = ++asked;
    box.removeAttribute("data-area");
    getJSON(query(cfg.locate, { lat: lat, lon: lon })).then(function (r) {
      if (mine !== asked) { return; }
      var areas = r.ok && Array.isArray(r.body) ? r.body : [];
      var area = areas.filter(function (a) { return a.kind === cfg.kind; })[0] || null;
      areaOut.textContent = area ? areaOut.dataset.prefix + " " + area.name : areaOut.dataset.outside;
      box.setAttribute("data-area", area ? area.code : "");
    });
  }
  function setPoint(lat, lon, zoom) {
    lat = Math.round(lat * 1e6) / 1e6;
    lon = Math.round(lon * 1e6) / 1e6;
    latIn.value = lat;
    lonIn.value = lon;
    if (!marker) {
      marker = L.marker([lat, lon], { draggable: true, autoPan: true, title: texts.pin, alt: texts.pin }).addTo(map);
      marker.on("dragend", function () { var p = marker.getLatLng(); setPoint(p.lat, p.lng); });
    } else {
      marker.setLatLng([lat, lon]);
    }
    if (zoom) { map.setView([lat, lon], Math.max(map.getZoom(), zoom)); }
    locate(lat, lon);
  }
  function typedPoint() {
    var lat = parseFloat(latIn.value.replace(",", "."));
    var lon = parseFloat(lonIn.value.replace(",", "."));
    return isNaN(lat) || isNaN(lon) ? null : [lat, lon];
  }
  map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng); });
  document.getElementById("picker-centre").addEventListener("click", function () {
    var c = map.getCenter();
    setPoint(c.lat, c.lng);
  });
  [latIn, lonIn].forEach(function (input) {
    input.addEventListener("change", function () {
      var p = typedPoint();
      if (p) { setPoint(p[0], p[1], 15); }
    });
  });
  var start = typedPoint();
  if (start) { setPoint(start[0], start[1], 15); }

  // A list of buttons under a search box: arrows move among them, Escape goes back to the box.
  function results(list, input, items, render, choose) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = el("li");
      var b = el("button");
      b.type = "button";
      render(b, item);
      b.addEventListener("click", function () {
        choose(item);
        list.textContent = "";
        input.focus();
      });
      li.appendChild(b);
      list.appendChild(li);
    });
  }
  function message(list, text, isError) {
    list.textContent = "";
    var li = el("li", "picker-message" + (isError ? " text-danger" : ""), text);
    if (isError) { li.setAttribute("role", "alert"); }
    list.appendChild(li);
  }
  function keys(input, list, onEnter) {
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); onEnter(); }
      if (e.key === "ArrowDown") {
        var first = list.querySelector("button");
        if (first) { e.preventDefault(); first.focus(); }
      }
      if (e.key === "Escape") { list.textContent = ""; }
    });
    list.addEventListener("keydown", function (e) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) { return; }
      if (e.key === "ArrowDown" && i < buttons.length - 1) { e.preventDefault(); buttons[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? buttons[i - 1] : input).focus(); }
      if (e.key === "Escape") { e.preventDefault(); list.textContent = ""; input.focus(); }
    });
  }

  // Known places: matches as the name is typed.
  var placeIn = document.getElementById("picker-place-q");
  var placeList = document.getElementById("picker-place-results");
  var placeTimer = null;
  var placeAsked = 0;
  function searchPlaces() {
    var q = placeIn.value.trim();
    var mine = ++placeAsked;
    if (q.length < 2) { placeList.textContent = ""; found.textContent = ""; return; }
    getJSON(query(cfg.places, { q: q })).then(function (r) {
      if (mine !== placeAsked) { return; }
      var items = (r.ok && r.body.results) || [];
      if (!items.length) {
        message(placeList, texts.noPlace);
        found.textContent = texts.noPlace;
        return;
      }
      found.textContent = texts.placesFound + " " + items.length;
      results(placeList, placeIn, items, function (b, p) {
        b.appendChild(el("span", null, p.name));
        var meta = [p.kind_label, p.address, p.area && p.area.name].filter(Boolean).join(" · ");
        b.appendChild(el("span", "picker-meta", meta));
      }, function (p) {
        placeIn.value = p.name;
        setPoint(p.lat, p.lon, 15);
      });
    });
  }
  placeIn.addEventListener("input", function () {
    clearTimeout(placeTimer);
    placeTimer = setTimeout(searchPlaces, 200);
  });
  keys(placeIn, placeList, function () {
    var first = placeList.querySelector("button");
    if (first) { first.focus(); } else { searchPlaces(); }
  });

  // Addresses: through the city's geocoder, asked by the server, on demand only.
  var addrIn = document.getElementById("picker-address-q");
  if (cfg.geocode && addrIn) {
    var addrList = document.getElementById("picker-address-results");
    var searchAddress = function () {
      var q = addrIn.value.trim();
      if (!q) { return; }
      message(addrList, texts.searching);
      getJSON(query(cfg.geocode, { q: q })).then(function (r) {
        if (!r.ok) { message(addrList, r.body.error || texts.failed, true); return; }
        if (!r.body.results.length) { message(addrList, texts.noAddress); return; }
        found.textContent = texts.addressesFound + " " + r.body.results.length;
        results(addrList, addrIn, r.body.results, function (b, a) { b.textContent = a.label; }, function (a) {
          setPoint(a.lat, a.lon, 16);
        });
      }).catch(function () { message(addrList, texts.failed, true); });
    };
    document.getElementById("picker-address-go").addEventListener("click", searchAddress);
    keys(addrIn, addrList, searchAddress);
  }
  box.setAttribute("data-ready", "true");
})();
