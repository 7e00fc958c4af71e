/* The city's areas on a Leaflet map, shaded by the chosen indicator.
   No tile layer unless the city configured one: the polygons are the base map.
   Config comes from the page (json_script "map-config"); geometry from the API. */
(function () {
  "use strict";
  var el = document.getElementById("area-map");
  var cfgEl = document.getElementById("map-config");
  if (!el || !cfgEl || typeof L === "undefined") { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  // Sequential palette (ColorBrewer Blues, 5 classes); the darkest classes get white outlines.
  var palette = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var values = Object.keys(cfg.values).map(function (k) { return cfg.values[k]; }).sort(function (a, b) { return a - b; });
  var breaks = [];
  if (values.length) {
    for (var i = 1; i < palette.length; i++) {
      breaks.push(values[Math.min(values.length - 1, Math.floor(i * values.length / palette.length))]);
    }
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
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
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
  fetch(cfg.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (fc) {
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
