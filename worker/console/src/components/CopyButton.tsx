import { useState } from "preact/hooks";
import { useI18n } from "../state";

/** Copies `text` to the clipboard and says so; where the browser refuses, says how to copy by hand. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [result, setResult] = useState<"copied" | "failed" | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setResult("copied"),
      () => setResult("failed"),
    );
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span class={result === "copied" ? "copied" : "muted"} role="status">
        {result === "copied" ? t("copied") : result === "failed" ? t("copyFailed") : ""}
      </span>
    </>
  );
}
