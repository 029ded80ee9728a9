import { useState } from "preact/hooks";
import { useAction } from "../hooks/use-action";
import { useI18n } from "../state";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";

/**
 * Approve or reject with a comment the employee will read. Rejecting cannot be undone and takes
 * something out of the employee's day, so it asks first; approving is the form's main action.
 */
export function DecisionForm(props: {
  approveLabel: string;
  rejectLabel: string;
  /** Names what is decided, for screen readers, where a page lists many. */
  subject: string;
  rejectQuestion: string;
  rejectDetail: string;
  onDecide: (approve: boolean, comment: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [comment, setComment] = useState("");
  const decide = (approve: boolean) => void run(() => props.onDecide(approve, comment.trim()));

  return (
    <form class="decision" onSubmit={(e) => e.preventDefault()}>
      <Field label={t("comment")} hint={t("commentHint")}>
        {(c) => <textarea {...c} name="comment" rows={2} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
      </Field>
      <div class="button-row">
        <button type="button" class="primary" aria-label={`${props.approveLabel}: ${props.subject}`} disabled={busy} onClick={() => decide(true)}>
          {props.approveLabel}
        </button>
        <ConfirmButton
          label={props.rejectLabel}
          ariaLabel={`${props.rejectLabel}: ${props.subject}`}
          question={props.rejectQuestion}
          detail={props.rejectDetail}
          disabled={busy}
          onConfirm={() => decide(false)}
        />
        {busy && <span class="muted">{t("working")}</span>}
      </div>
      <ErrorMessage message={error} />
    </form>
  );
}
