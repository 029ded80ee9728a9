// Loaded only by pages that draw a map (its own chunk): Leaflet and its stylesheet.
import L from "leaflet";
import "leaflet/dist/leaflet.css";

export type Circle = { lat: number; lon: number; radiusM: number };

export type MapHandle = {
  /** Moves the edited circle (null: none yet); `fit` frames it. */
  show: (circle: Circle | null, fit: boolean) => void;
  /** Other circles for context (the company's sites), drawn grey. */
  context: (circles: (Circle & { name: string })[]) => void;
  destroy: () => void;
};

const TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/**
 * An OpenStreetMap map in `element`: a click picks the centre. `onUnavailable` is called once
 * when tiles fail before any loads (offline, or blocked): the caller then hides the map, and
 * the coordinate fields carry on alone.
 */
export function createMap(element: HTMLElement, options: { label: string; onPick?: (lat: number, lon: number) => void; onUnavailable: () => void }): MapHandle {
  const map = L.map(element, { center: [20, 0], zoom: 2, attributionControl: true, zoomControl: true });
  element.setAttribute("aria-label", options.label);
  element.setAttribute("role", "region");
  let loaded = false;
  let failed = false;
  L.tileLayer(TILES, { maxZoom: 19, attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' })
    .on("tileload", () => (loaded = true))
    .on("tileerror", () => {
      if (!loaded && !failed) {
        failed = true;
        options.onUnavailable();
      }
    })
    .addTo(map);
  const style = { color: "#2557d6", weight: 2, fillOpacity: 0.15 };
  let circle: L.Circle | null = null;
  let centre: L.CircleMarker | null = null;
  const others = L.layerGroup().addTo(map);
  if (options.onPick) {
    const pick = options.onPick;
    map.on("click", (e: L.LeafletMouseEvent) => pick(Math.round(e.latlng.lat * 1e6) / 1e6, Math.round(e.latlng.lng * 1e6) / 1e6));
  }
  return {
    show(next, fit) {
      circle?.remove();
      centre?.remove();
      circle = centre = null;
      if (!next) return;
      circle = L.circle([next.lat, next.lon], { ...style, radius: next.radiusM, interactive: false }).addTo(map);
      centre = L.circleMarker([next.lat, next.lon], { ...style, radius: 4, fillOpacity: 1, interactive: false }).addTo(map);
      if (fit) map.fitBounds(circle.getBounds(), { maxZoom: 17, animate: false });
    },
    context(circles) {
      others.clearLayers();
      for (const c of circles) L.circle([c.lat, c.lon], { color: "#5f6b7a", weight: 1, fillOpacity: 0.08, radius: c.radiusM, interactive: false }).addTo(others);
    },
    destroy: () => map.remove(),
  };
}
