import { useId, useRef } from "preact/hooks";
import { useI18n } from "../state";

/**
 * A button for something that cannot be undone: it opens a modal dialog that says what will
 * happen, with Cancel first (the safe choice has the focus) and the action named again.
 */
export function ConfirmButton(props: {
  /** The button's text, and the confirming button's. */
  label: string;
  /** A fuller name for screen readers where the label alone is ambiguous in a list. */
  ariaLabel?: string;
  question: string;
  detail?: string;
  disabled?: boolean;
  onConfirm: () => void;
}) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const close = () => dialog.current?.close();
  return (
    <>
      <button type="button" class="danger" aria-label={props.ariaLabel} disabled={props.disabled} onClick={() => dialog.current?.showModal()}>
        {props.label}
      </button>
      <dialog ref={dialog} class="confirm" aria-labelledby={`${id}-q`} aria-describedby={props.detail ? `${id}-d` : undefined}>
        <h2 id={`${id}-q`}>{props.question}</h2>
        {props.detail && <p id={`${id}-d`}>{props.detail}</p>}
        <div class="dialog-actions">
          <button type="button" onClick={close}>
            {t("cancel")}
          </button>
          <button
            type="button"
            class="danger solid"
            onClick={() => {
              close();
              props.onConfirm();
            }}
          >
            {props.label}
          </button>
        </div>
      </dialog>
    </>
  );
}
