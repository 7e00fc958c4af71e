/* The city's areas on a Leaflet map, shaded by the chosen indicator.
   No tile layer unless the city configured one: the polygons are the base map.
   Config comes from the page (json_script "map-config"); geometry from the API, and the values
   that shade the areas either from the page ("values") or from the API ("valuesUrl").
   Content (need titles, area names) is only ever set as text: Leaflet reads a string given to
   bindTooltip/bindPopup as HTML, so they always get a DOM element built with textContent. */
(function () {
  "use strict";
  var el = document.getElementById("area-map");
  var cfgEl = document.getElementById("map-config");
  if (!el || !cfgEl || typeof L === "undefined") { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  // Sequential palette (ColorBrewer Blues, 5 classes); the darkest classes get white outlines.
  var palette = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var values = [];
  var breaks = [];
  function classify(byCode) {
    cfg.values = byCode;
    values = Object.keys(byCode).map(function (k) { return byCode[k]; }).sort(function (a, b) { return a - b; });
    breaks = [];
    for (var i = 1; values.length && i < palette.length; i++) {
      breaks.push(values[Math.min(values.length - 1, Math.floor(i * values.length / palette.length))]);
    }
  }
  function getJSON(url, accept) {
    return fetch(url, { headers: { Accept: accept || "application/json" } }).then(function (r) { return r.json(); });
  }
  function colour(v) {
    if (v === undefined || v === null) { return "#f8f9fa"; }
    var c = 0;
    while (c < breaks.length && v >= breaks[c]) { c++; }
    return palette[c];
  }
  function text(tag, value) {
    // An element showing ``value`` as plain text, never parsed as HTML.
    var node = document.createElement(tag);
    node.textContent = value === undefined || value === null ? "" : String(value);
    return node;
  }
  function escaped(value) {
    // Leaflet sets a layer's attribution as HTML: the city's attribution text goes in escaped.
    return text("span", value).innerHTML;
  }
  function localHref(url) {
    // Links on the map stay on this site: a path, never "javascript:" or another origin.
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : "#";
  }
  // Numbers as the page's language writes them, to two decimals. Not toLocaleString: its first call
  // loads the browser's locale data, a task of 150 ms on a phone, right when the map is drawn.
  var SEPARATORS = { it: [",", "."], fr: [",", "\u202f"], en: [".", ","] };  // decimal, thousands
  function fmt(v) {
    var lang = document.documentElement.lang;
    var sep = SEPARATORS[lang];
    var rounded = Math.round(v * 100) / 100;
    if (!sep || Math.abs(rounded) >= 1e21) { return rounded.toLocaleString(lang); }
    var parts = String(Math.abs(rounded)).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, sep[1]);
    return (rounded < 0 ? "-" : "") + whole + (parts[1] ? sep[0] + parts[1] : "");
  }

  function addPoints(map, url) {
    // The needs as dots, each linking to its page; built in slices as the areas are (buildInSlices).
    getJSON(url, "application/geo+json")
      .then(function (fc) {
        buildInSlices(fc.features, {
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 7, color: "#ffffff", weight: 2, fillColor: "#b71918", fillOpacity: 1 });
          },
          onEachFeature: function (f, lyr) {
            lyr.bindPopup(function () {
              var link = text("a", f.properties.title);
              link.href = localHref(f.properties.url);
              return link;
            });
            lyr.bindTooltip(function () { return text("span", f.properties.title); });
          }
        }, function (layer) {
          layer.addTo(map);
          el.setAttribute("data-needs", String(fc.features.length));
        });
      });
  }

  var fallback = el.querySelector(".map-fallback");  // what the page says when JavaScript is off
  if (fallback) { fallback.remove(); }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { attribution: escaped(cfg.tileAttribution), maxZoom: 18 }).addTo(map);
  }
  // Frame the city before its boundaries arrive, so they are asked for at the zoom they are
  // drawn at: simplified to what a pixel shows (a few tens of KB instead of a megabyte).
  if (cfg.bounds) { map.fitBounds(cfg.bounds); } else { map.setView([0, 0], 2); }
  function level() { return Math.floor(map.getZoom()); }
  function areasUrl(z) { return cfg.geojson + (cfg.geojson.indexOf("?") < 0 ? "?" : "&") + "zoom=" + z; }
  var drawnAt = level();
  // The areas' layers are built off the map a few at a time, yielding to the browser between
  // slices, then put on the map at once: one drawing (drawing them in slices repaints the whole map
  // each frame). With the numbers formatted without Intl (fmt), no task is long enough to block a tap
  // for long (Lighthouse's Total Blocking Time on a phone). Tooltips and popups are built when shown.
  var SLICE_MS = 8;
  var areaOptions = {
    style: function (f) {
      return { color: "#343a40", weight: 1, fillOpacity: 0.85, fillColor: colour(cfg.values[f.properties.code]) };
    },
    onEachFeature: function (f, lyr) {
      lyr.bindPopup(function () {
        var v = cfg.values[f.properties.code];
        var link = text("a", f.properties.code + " " + f.properties.name);
        link.href = localHref(cfg.areaUrl.replace("CODE", encodeURIComponent(f.properties.code)));
        var box = document.createElement("div");
        box.appendChild(link);
        if (v !== undefined) {
          box.appendChild(text("div", cfg.label + ": " + fmt(v) + (cfg.unit ? " " + cfg.unit : "")));
        }
        return box;
      });
      lyr.bindTooltip(function () { return text("span", f.properties.name); }, { sticky: true });
    }
  };
  function buildInSlices(features, options, done) {
    var layer = L.geoJSON(null, options);
    var i = 0;
    function slice() {
      var until = performance.now() + SLICE_MS;
      while (i < features.length && performance.now() < until) { layer.addData(features[i++]); }
      if (i < features.length) { setTimeout(slice, 0); } else { done(layer); }
    }
    slice();
  }
  function drawInSlices(features, done) {
    buildInSlices(features, areaOptions, function (layer) { done(layer.addTo(map)); });
  }
  var shades = cfg.valuesUrl ? getJSON(cfg.valuesUrl).then(function (r) { return r.values; }) : Promise.resolve(cfg.values);
  Promise.all([getJSON(areasUrl(drawnAt), "application/geo+json"), shades])
    .then(function (loaded) {
      classify(loaded[1] || {});
      drawInSlices(loaded[0].features, drawn);
    });

  function drawn(layer) {
    if (!cfg.bounds && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
    if (window.performance && performance.mark) { performance.mark("map-drawn"); }
    el.setAttribute("data-drawn", "true");
    // Zooming in past the detail drawn fetches the boundaries again, finer, and swaps them in.
    map.on("zoomend", function () {
      var z = level();
      if (z <= drawnAt) { return; }
      drawnAt = z;
      getJSON(areasUrl(z), "application/geo+json").then(function (finer) {
        if (z !== drawnAt) { return; }
        drawInSlices(finer.features, function (next) {
          if (z !== drawnAt) { map.removeLayer(next); return; }  // a later zoom asked for finer still
          map.removeLayer(layer);
          layer = next.bringToBack();  // under the needs' dots
        });
      });
    });
    if (cfg.points) { addPoints(map, cfg.points); }
    el.setAttribute("data-features", String(layer.getLayers().length));
    if (breaks.length) {
      var legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var div = L.DomUtil.create("div", "map-legend");
        div.appendChild(text("strong", cfg.label + (cfg.unit ? " (" + cfg.unit + ")" : "")));
        var lows = [values[0]].concat(breaks);
        for (var i = 0; i < palette.length; i++) {
          // a class whose lower bound the next one shares colours nothing: few distinct values
          if (i + 1 < lows.length && lows[i] === lows[i + 1]) { continue; }
          var row = document.createElement("div");
          var sw = document.createElement("span");
          sw.className = "swatch";
          sw.style.background = palette[i];
          row.appendChild(sw);
          row.appendChild(document.createTextNode("≥ " + fmt(lows[i])));
          div.appendChild(row);
        }
        return div;
      };
      legend.addTo(map);
    }
  }
})();
