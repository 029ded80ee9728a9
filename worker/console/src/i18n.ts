import { en } from "./messages/en";
import { zhCN } from "./messages/zh-cn";

/** Every key of the English table; the other tables are `Messages`, so a missing string fails the type check. */
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

/** Every UI string of the console, per locale (BCP 47 tags, as `Intl` and `<html lang>` take them). */
export const messages = { en: en as Messages, "zh-CN": zhCN } satisfies Record<string, Messages>;
export type Locale = keyof typeof messages;
export const LOCALES = Object.keys(messages) as Locale[];

/** Each language named in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "简体中文" };

function isLocale(value: string | null | undefined): value is Locale {
  return value !== null && value !== undefined && (LOCALES as string[]).includes(value);
}

/** Chinese for any `zh*` browser language, English otherwise. */
export function pickLocale(language: string | undefined): Locale {
  return language?.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

const LOCALE_KEY = "clockwork.console.locale";

/** The language chosen before on this browser, else the browser's own. */
export function initialLocale(storage: Pick<Storage, "getItem"> | null, languages: readonly string[]): Locale {
  let chosen: string | null = null;
  try {
    chosen = storage?.getItem(LOCALE_KEY) ?? null;
  } catch {
    // Storage may be off (privacy settings): fall back to the browser's language.
  }
  return isLocale(chosen) ? chosen : pickLocale(languages[0]);
}

export function rememberLocale(storage: Pick<Storage, "setItem"> | null, locale: Locale) {
  try {
    storage?.setItem(LOCALE_KEY, locale);
  } catch {
    // Not remembered, but switched for this visit.
  }
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const table = messages[locale];
  return (key, vars) => table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}
