/* The city's areas on a Leaflet map, shaded by the chosen indicator.
   No tile layer unless the city configured one: the polygons are the base map.
   Config comes from the page (json_script "map-config"); geometry from the API, and the values
   that shade the areas either from the page ("values") or from the API ("valuesUrl"). */
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
  function fmt(v) { return (Math.round(v * 100) / 100).toLocaleString(document.documentElement.lang); }

  function addPoints(map, url) {
    // The needs as dots, each linking to its page.
    getJSON(url, "application/geo+json")
      .then(function (fc) {
        L.geoJSON(fc, {
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 7, color: "#ffffff", weight: 2, fillColor: "#b71918", fillOpacity: 1 });
          },
          onEachFeature: function (f, lyr) {
            var link = document.createElement("a");
            link.href = f.properties.url;
            link.textContent = f.properties.title;
            lyr.bindPopup(link);
            lyr.bindTooltip(f.properties.title);
          }
        }).addTo(map);
        el.setAttribute("data-needs", String(fc.features.length));
      });
  }

  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 18 }).addTo(map);
  }
  var shades = cfg.valuesUrl ? getJSON(cfg.valuesUrl).then(function (r) { return r.values; }) : Promise.resolve(cfg.values);
  Promise.all([getJSON(cfg.geojson, "application/geo+json"), shades])
    .then(function (loaded) {
      var fc = loaded[0];
      classify(loaded[1] || {});
      var layer = L.geoJSON(fc, {
        style: function (f) {
          return { color: "#343a40", weight: 1, fillOpacity: 0.85, fillColor: colour(cfg.values[f.properties.code]) };
        },
        onEachFeature: function (f, lyr) {
          var v = cfg.values[f.properties.code];
          var link = document.createElement("a");
          link.href = cfg.areaUrl.replace("CODE", encodeURIComponent(f.properties.code));
          link.textContent = f.properties.code + " " + f.properties.name;
          var box = document.createElement("div");
          box.appendChild(link);
          if (v !== undefined) {
            var p = document.createElement("div");
            p.textContent = cfg.label + ": " + fmt(v) + (cfg.unit ? " " + cfg.unit : "");
            box.appendChild(p);
          }
          lyr.bindPopup(box);
          lyr.bindTooltip(f.properties.name, { sticky: true });
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
      if (cfg.points) { addPoints(map, cfg.points); }
      el.setAttribute("data-features", String(fc.features.length));
      if (breaks.length) {
        var legend = L.control({ position: "bottomright" });
        legend.onAdd = function () {
          var div = L.DomUtil.create("div", "map-legend");
          var title = document.createElement("strong");
          title.textContent = cfg.label + (cfg.unit ? " (" + cfg.unit + ")" : "");
          div.appendChild(title);
          var lows = [values[0]].concat(breaks);
          for (var i = 0; i < palette.length; i++) {
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
    });
})();
