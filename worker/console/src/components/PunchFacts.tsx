import type { PunchRecord } from "../api";
import { GEO_ERROR_LABELS, MODE_LABELS } from "../labels";
import { useI18n } from "../state";
import { When } from "./When";

/** A country code in the viewer's language ("Germany (DE)"), or the code where the browser has no name for it. */
function countryName(locale: string, code: string): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: "region" }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** The evidence a reviewer weighs for one punch: its times, how it came, where from. */
export function PunchFacts({ punch }: { punch: PunchRecord }) {
  const { t, locale } = useI18n();
  const geo = punch.geo;
  return (
    <dl class="facts">
      <dt>{t("effectiveTime")}</dt>
      <dd>
        <When ms={punch.effectiveTime} zone={punch.tz} />
      </dd>
      <dt>{t("clientTime")}</dt>
      <dd>
        <When ms={punch.clientTime} zone={punch.tz} />
      </dd>
      <dt>{t("receivedAt")}</dt>
      <dd>
        <When ms={punch.receivedAt} zone={punch.tz} />
      </dd>
      <dt>{t("mode")}</dt>
      <dd>{t(MODE_LABELS[punch.mode])}</dd>
      <dt>{t("location")}</dt>
      <dd>
        {"error" in geo ? (
          t(GEO_ERROR_LABELS[geo.error])
        ) : (
          <>
            {t("coordinates", { lat: geo.lat, lon: geo.lon, accuracy: Math.round(geo.accuracy) })}{" "}
            <a href={`https://www.openstreetmap.org/?mlat=${geo.lat}&mlon=${geo.lon}#map=17/${geo.lat}/${geo.lon}`} target="_blank" rel="noopener noreferrer">
              {t("openMap")}
            </a>
          </>
        )}
      </dd>
      <dt>{t("ipAddress")}</dt>
      <dd>{punch.ip ?? <span class="muted">{t("notKept")}</span>}</dd>
      <dt>{t("country")}</dt>
      <dd>{punch.country ? countryName(locale, punch.country) : <span class="muted">{t("unknown")}</span>}</dd>
      {punch.note && (
        <>
          <dt>{t("note")}</dt>
          <dd class="quote">{punch.note}</dd>
        </>
      )}
    </dl>
  );
}
