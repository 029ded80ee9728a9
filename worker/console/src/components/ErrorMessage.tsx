import { useI18n } from "../state";
import { RichText } from "./RichText";

/** A failure, said as an alert, with a way to try again where there is one. */
export function ErrorMessage({ message, onRetry }: { message: string | null | undefined; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!message) return null;
  return (
    <div class="message error" role="alert">
      <RichText text={message} />
      {onRetry && (
        <button type="button" class="link-button" onClick={onRetry}>
          {t("tryAgain")}
        </button>
      )}
    </div>
  );
}
