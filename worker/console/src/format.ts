import { WebAuthnError } from "@simplewebauthn/browser";
import { ApiError } from "./api";
import type { Locale, Translate } from "./i18n";

export function formatTime(locale: Locale, ms: number): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

/** What to tell a person about a failure: the API's own message, or a plain reason. */
export function describeError(t: Translate, err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof WebAuthnError && err.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") return t("passkeyAlreadyRegistered");
  if (err instanceof Error && (err.name === "NotAllowedError" || err.name === "AbortError")) return t("passkeyCancelled");
  if (err instanceof TypeError) return t("networkError");
  return err instanceof Error ? err.message : String(err);
}
