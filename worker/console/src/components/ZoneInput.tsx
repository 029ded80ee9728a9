import { useId } from "preact/hooks";

let zones: string[] | null = null;
/** The zones this browser knows, for suggestions (typing any IANA name still works). */
function knownZones(): string[] {
  if (zones === null) {
    try {
      zones = Intl.supportedValuesOf("timeZone");
    } catch {
      zones = [];
    }
  }
  return zones;
}

/** A time-zone text field that suggests the IANA names as one types. */
export function ZoneInput(props: { id: string; "aria-describedby"?: string; name: string; value: string; placeholder?: string; required?: boolean; onInput: (value: string) => void }) {
  const list = useId();
  return (
    <>
      <input
        id={props.id}
        aria-describedby={props["aria-describedby"]}
        name={props.name}
        list={list}
        autoComplete="off"
        required={props.required}
        placeholder={props.placeholder ?? "Asia/Shanghai"}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <datalist id={list}>
        {knownZones().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </>
  );
}
