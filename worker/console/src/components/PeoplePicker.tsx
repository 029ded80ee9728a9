import { useId, useState } from "preact/hooks";
import type { Employee } from "../api";
import { useI18n } from "../state";

/**
 * Who a rule applies to: everyone (`null`), or the people ticked. The list filters as one
 * types, for companies larger than a screen.
 */
export function PeoplePicker({ value, people, onChange, legend }: { value: string[] | null; people: Employee[]; onChange: (ids: string[] | null) => void; legend: string }) {
  const { t } = useI18n();
  const id = useId();
  const [search, setSearch] = useState("");
  const chosen = new Set(value ?? []);
  const words = search.trim().toLowerCase();
  const shown = people.filter((p) => (p.active || chosen.has(p.id)) && (!words || p.name.toLowerCase().includes(words) || p.email.includes(words)));
  return (
    <fieldset class="people-picker">
      <legend>{legend}</legend>
      <label class="inline">
        <input type="radio" name={`${id}-scope`} checked={value === null} onChange={() => onChange(null)} /> {t("everyone")}
      </label>
      <label class="inline">
        <input type="radio" name={`${id}-scope`} checked={value !== null} onChange={() => onChange([...chosen])} /> {t("chosenPeople")}
      </label>
      {value !== null && (
        <div class="picker-list">
          <input type="search" aria-label={t("searchEmployees")} placeholder={t("searchEmployees")} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
          <ul>
            {shown.map((person) => (
              <li key={person.id}>
                <label class="inline">
                  <input
                    type="checkbox"
                    checked={chosen.has(person.id)}
                    onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, person.id] : [...chosen].filter((x) => x !== person.id))}
                  />{" "}
                  {person.name}
                </label>
              </li>
            ))}
          </ul>
          <p class="muted small">{t("nChosen", { n: chosen.size })}</p>
        </div>
      )}
    </fieldset>
  );
}

/** Who a rule applies to, in words: everyone, or the names (those out of the viewer's sight counted). */
export function AppliesTo({ ids, byId }: { ids: string[] | null; byId: Map<string, Employee> }) {
  const { t } = useI18n();
  if (ids === null) return <>{t("everyone")}</>;
  if (ids.length === 0) return <span class="muted">{t("nobody")}</span>;
  const names = ids.map((id) => byId.get(id)?.name).filter((n): n is string => !!n);
  const hidden = ids.length - names.length;
  return (
    <>
      {names.join(", ")}
      {hidden > 0 && <span class="muted"> {t("andNOthers", { n: hidden })}</span>}
    </>
  );
}
