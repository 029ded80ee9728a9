import { useEffect, useRef, useState } from "preact/hooks";
import type { Circle, MapHandle } from "../map/leaflet-map";
import { useI18n } from "../state";

/**
 * A map beside coordinate fields, loaded only when shown. Where the browser cannot reach the
 * tiles (offline, a blocked network) or the map's code fails to load, it gives way to one quiet
 * line: the fields beside it always work.
 */
export function GeoMap(props: { circle: Circle | null; context?: (Circle & { name: string })[]; onPick?: (lat: number, lon: number) => void }) {
  const { t } = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const handle = useRef<MapHandle | null>(null);
  const picked = useRef(false);
  const pick = useRef(props.onPick);
  pick.current = props.onPick;
  const [state, setState] = useState<"loading" | "ready" | "unavailable">("loading");

  useEffect(() => {
    let cancelled = false;
    import("../map/leaflet-map").then(
      ({ createMap }) => {
        if (cancelled || !element.current) return;
        handle.current = createMap(element.current, {
          label: t("mapLabel"),
          onPick: props.onPick
            ? (lat, lon) => {
                picked.current = true;
                pick.current?.(lat, lon);
              }
            : undefined,
          onUnavailable: () => setState("unavailable"),
        });
        setState((s) => (s === "loading" ? "ready" : s));
      },
      () => setState("unavailable"),
    );
    return () => {
      cancelled = true;
      handle.current?.destroy();
      handle.current = null;
    };
  }, []);

  const { circle } = props;
  const key = circle ? `${circle.lat},${circle.lon},${circle.radiusM}` : "";
  useEffect(() => {
    // A centre picked on the map stays where the person is looking; one typed is framed.
    handle.current?.show(circle, !picked.current);
    picked.current = false;
  }, [key, state]);
  useEffect(() => handle.current?.context(props.context ?? []), [props.context, state]);

  if (state === "unavailable") return <p class="muted small map-note">{t("mapUnavailable")}</p>;
  return (
    <div class="map-box">
      <div ref={element} class="map" />
      {props.onPick && <p class="muted small">{t("mapHint")}</p>}
    </div>
  );
}
