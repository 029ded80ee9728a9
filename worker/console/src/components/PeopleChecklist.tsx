import { useState } from "preact/hooks";
import type { Employee } from "../api";
import { useI18n } from "../state";

/** People ticked from a list that filters as one types. */
export function PeopleChecklist({ legend, hint, people, chosen, onChange }: { legend: string; hint?: string; people: Employee[]; chosen: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const set = new Set(chosen);
  const words = search.trim().toLowerCase();
  const shown = people.filter((p) => !words || p.name.toLowerCase().includes(words) || p.email.includes(words));
  return (
    <fieldset class="people-picker">
      <legend>{legend}</legend>
      {hint && <p class="muted small">{hint}</p>}
      <div class="picker-list">
        <input type="search" aria-label={t("searchEmployees")} placeholder={t("searchEmployees")} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        <ul>
          {shown.map((person) => (
            <li key={person.id}>
              <label class="inline">
                <input type="checkbox" checked={set.has(person.id)} onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, person.id] : chosen.filter((x) => x !== person.id))} />{" "}
                {person.name}
              </label>
            </li>
          ))}
        </ul>
        <p class="muted small">{t("nChosen", { n: set.size })}</p>
      </div>
    </fieldset>
  );
}
