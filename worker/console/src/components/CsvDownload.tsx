import { useAction } from "../hooks/use-action";
import { useI18n } from "../state";
import { ErrorMessage } from "./ErrorMessage";

/** Saves `blob` as a download named `filename`. */
function save(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Long enough for the browser to have taken the file.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A button that downloads a file the API makes, fetched first: a refusal (a span over the
 * export's limit, a session that ended) is said beside the button in the server's words
 * instead of saved as the file.
 */
export function CsvDownload({ label, filename, fetchFile }: { label: string; filename: string; fetchFile: () => Promise<Blob> }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  return (
    <>
      <button type="button" disabled={busy} onClick={() => void run(async () => save(await fetchFile(), filename))}>
        {busy ? t("working") : label}
      </button>
      <ErrorMessage message={error} />
    </>
  );
}
