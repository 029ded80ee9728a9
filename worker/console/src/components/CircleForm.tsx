import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useAction } from "../hooks/use-action";
import { type CircleValue, readCircle, splitPair } from "../logic/geo-fields";
import { useI18n } from "../state";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";
import { GeoMap } from "./GeoMap";

export type CircleInitial = { name: string } & CircleValue;

/**
 * A named circle (a site, an approved place): name, centre and radius as plain fields that
 * always work, and a map beside them where one can be drawn. `children`: more fields (who a
 * site applies to).
 */
export function CircleForm(props: {
  initial?: CircleInitial;
  context?: (CircleValue & { name: string })[];
  submitLabel: string;
  onSubmit: (value: { name: string } & CircleValue) => Promise<void>;
  onCancel?: () => void;
  children?: ComponentChildren;
  class?: string;
}) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [name, setName] = useState(props.initial?.name ?? "");
  const [lat, setLat] = useState(props.initial ? String(props.initial.lat) : "");
  const [lon, setLon] = useState(props.initial ? String(props.initial.lon) : "");
  const [radiusM, setRadius] = useState(props.initial ? String(props.initial.radiusM) : "200");
  const [tried, setTried] = useState(false);
  const { value, errors } = readCircle({ lat, lon, radiusM });
  const messages = { latRange: t("latRange"), lonRange: t("lonRange"), radiusRange: t("radiusRange") };

  const typeLat = (text: string) => {
    const pair = splitPair(text);
    if (pair) {
      setLat(pair.lat);
      setLon(pair.lon);
    } else setLat(text);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (!value || !name.trim()) return;
    void run(() => props.onSubmit({ name: name.trim(), ...value }));
  };
  const invalid = (field: keyof typeof errors) => tried && errors[field] !== undefined;
  const fieldError = (field: keyof typeof errors) => (invalid(field) ? messages[errors[field]!] : undefined);

  return (
    <form class={`circle-form ${props.class ?? ""}`} onSubmit={submit} noValidate>
      <div class="circle-fields">
        <Field label={t("name")}>
          {(c) => <input {...c} name="name" required maxLength={200} value={name} aria-invalid={tried && !name.trim()} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <div class="pair">
          <Field label={t("latitude")} hint={fieldError("lat") ?? t("latHint")}>
            {(c) => <input {...c} name="lat" inputMode="decimal" required value={lat} aria-invalid={invalid("lat")} onInput={(e) => typeLat(e.currentTarget.value)} />}
          </Field>
          <Field label={t("longitude")} hint={fieldError("lon")}>
            {(c) => <input {...c} name="lon" inputMode="decimal" required value={lon} aria-invalid={invalid("lon")} onInput={(e) => setLon(e.currentTarget.value)} />}
          </Field>
        </div>
        <Field label={t("radiusM")} hint={fieldError("radiusM") ?? t("radiusHint")}>
          {(c) => <input {...c} name="radiusM" type="number" min={1} max={100000} step={1} required value={radiusM} aria-invalid={invalid("radiusM")} onInput={(e) => setRadius(e.currentTarget.value)} />}
        </Field>
        {props.children}
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t("working") : props.submitLabel}
          </button>
          {props.onCancel && (
            <button type="button" onClick={props.onCancel}>
              {t("cancel")}
            </button>
          )}
        </div>
        <ErrorMessage message={error} />
      </div>
      <GeoMap
        circle={value}
        context={props.context}
        onPick={(pickedLat, pickedLon) => {
          setLat(String(pickedLat));
          setLon(String(pickedLon));
        }}
      />
    </form>
  );
}
