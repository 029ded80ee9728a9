import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

/**
 * A form control with its label (tied by `for`, so the name is the label's words alone, not the
 * options of a select inside it) and an optional hint that describes it.
 */
export function Field(props: {
  label: string;
  hint?: string;
  /** Kept for screen readers only, where the control's place says what it is. */
  hiddenLabel?: boolean;
  class?: string;
  children: (control: { id: string; "aria-describedby"?: string }) => ComponentChildren;
}) {
  const id = useId();
  return (
    <div class={props.class ? `field ${props.class}` : "field"}>
      <label for={id} class={props.hiddenLabel ? "visually-hidden" : undefined}>
        {props.label}
      </label>
      {props.children({ id, "aria-describedby": props.hint ? `${id}-hint` : undefined })}
      {props.hint && <small id={`${id}-hint`}>{props.hint}</small>}
    </div>
  );
}
