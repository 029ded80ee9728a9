import { LOCALE_NAMES, LOCALES, type Locale } from "../i18n";
import { useAppState, useI18n } from "../state";
import { Field } from "./Field";

/** The console's language, remembered on this browser. */
export function LanguageSelect() {
  const state = useAppState();
  const { t, locale } = useI18n();
  return (
    <Field label={t("language")} hiddenLabel class="language">
      {(c) => (
        <select {...c} value={locale} onChange={(e) => state.setLocale(e.currentTarget.value as Locale)}>
          {LOCALES.map((code) => (
            <option key={code} value={code} lang={code}>
              {LOCALE_NAMES[code]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
