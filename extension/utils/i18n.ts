import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";
import { readPolicy, type Policy } from "./storage";

/** Every message name in _locales (English is the reference; zh_CN has the same keys). */
export type MessageKey = keyof typeof import("../public/_locales/en/messages.json");
export type Locale = "en" | "zh_CN";

/** The employee's own choice on the options page; "auto" follows the browser. Policy wins over both. */
export const localeItem = storage.defineItem<"auto" | Locale>("local:locale", { fallback: "auto" });

interface MessageEntry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

// Set when the policy or the employee picks a language other than the browser's: chrome.i18n
// always answers in the browser's language, so we read that locale's messages.json ourselves.
let override: Record<string, MessageEntry> | null = null;
let current: Locale = "en";

function browserLocale(): Locale {
  return browser.i18n.getUILanguage().toLowerCase().startsWith("zh") ? "zh_CN" : "en";
}

/** Loads the language to use (policy, then the employee's choice, then the browser's); call before rendering. */
export async function initI18n(doc?: Document, knownPolicy?: Policy): Promise<Locale> {
  const [policy, chosen] = await Promise.all([knownPolicy ?? readPolicy().catch(() => ({}) as Policy), localeItem.getValue()]);
  const wanted: Locale = policy.locale ?? (chosen === "auto" ? browserLocale() : chosen);
  override = null;
  if (wanted !== browserLocale()) {
    try {
      const res = await fetch(browser.runtime.getURL(`/_locales/${wanted}/messages.json` as "/"));
      override = (await res.json()) as Record<string, MessageEntry>;
    } catch {
      override = null; // the browser's language still works
    }
  }
  current = override || wanted === browserLocale() ? wanted : browserLocale();
  if (doc) doc.documentElement.lang = bcp47(current);
  return current;
}

/** The active UI language as a BCP 47 tag, for `lang` attributes and Intl formatting. */
export function bcp47(locale: Locale = current): string {
  return locale === "zh_CN" ? "zh-CN" : "en";
}

export function currentLocale(): Locale {
  return current;
}

/** The message `key` with $1..$9 substituted, in the language chosen by `initI18n`. */
export function t(key: MessageKey, ...subs: (string | number)[]): string {
  const args = subs.map(String);
  if (override) {
    const entry = override[key];
    if (entry) {
      let text = entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name: string) => entry.placeholders?.[name.toLowerCase()]?.content ?? "");
      text = text.replace(/\$([1-9])/g, (_, n: string) => args[Number(n) - 1] ?? "");
      return text.replace(/\$\$/g, "$");
    }
  }
  return browser.i18n.getMessage(key as never, args) || key;
}
