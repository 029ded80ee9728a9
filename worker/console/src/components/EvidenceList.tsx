import { api, type Correction } from "../api";
import { formatBytes } from "../format";
import { useI18n } from "../state";

/**
 * A request's files: images inline (the route answers with the type it detected from the bytes,
 * same origin, so `<img>` shows it under the console's CSP), everything else as a download.
 */
export function EvidenceList({ correction }: { correction: Correction }) {
  const { t, locale } = useI18n();
  if (correction.evidence.length === 0) return <p class="muted">{t("noEvidence")}</p>;
  return (
    <ul class="evidence">
      {correction.evidence.map((file) => {
        const url = api.evidenceUrl(correction.id, file.id);
        const size = formatBytes(locale, file.size);
        return (
          <li key={file.id}>
            {file.type.startsWith("image/") ? (
              <figure>
                <a href={url} download={file.name}>
                  <img src={url} alt={t("evidenceImage", { name: file.name })} loading="lazy" />
                </a>
                <figcaption>
                  {file.name} · {size}
                </figcaption>
              </figure>
            ) : (
              <a class="file" href={url} download={file.name}>
                {t("downloadFile", { name: file.name, type: file.type === "application/pdf" ? "PDF" : file.type, size })}
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}
