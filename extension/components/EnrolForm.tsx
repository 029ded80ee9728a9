import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, NetworkError } from "../utils/api";
import { NOTICE_VERSION, PasskeyCancelledError, enrol } from "../utils/enrol";
import { t } from "../utils/i18n";
import type { Enrolment } from "../utils/storage";

interface Props {
  /** The server address when IT fixed it by policy (the field is then hidden). */
  lockedServerUrl: string | null;
  /** A pre-filled address (policy without lock, or the last one used). */
  initialServerUrl: string;
  organizationName?: string;
  /** Compact layout for the popup. */
  compact?: boolean;
  /** Shown as a Cancel button beside Enrol (re-enrolment from the options page). */
  onCancel?: () => void;
  onEnrolled(enrolment: Enrolment): void;
}

/** A label for the device list in the console: browser and platform, editable. */
function defaultDeviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : "Chrome";
  const platform = /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /CrOS/.test(ua) ? "ChromeOS" : /Linux/.test(ua) ? "Linux" : "";
  return platform ? `${browser} on ${platform}` : browser;
}

function validServerUrl(value: string): string | null {
  try {
    const url = new URL(value.trim());
    const loopback = url.hostname === "localhost" || url.hostname === "127.0.0.1";
    if (url.protocol === "https:" || (url.protocol === "http:" && loopback)) return url.origin;
  } catch {
    // not a URL
  }
  return null;
}

/** Words for what went wrong, from the API's error codes and the ceremony's failures. */
export function enrolErrorMessage(error: unknown): string {
  if (error instanceof PasskeyCancelledError) return t("errPasskeyCancelled");
  if (error instanceof NetworkError) return t("errNetwork");
  if (error instanceof ApiError) {
    switch (error.code) {
      case "ENROLLMENT_CODE_INVALID":
        return t("errCodeInvalid");
      case "DEVICE_LIMIT_REACHED":
        return t("errDeviceLimit");
      case "RATE_LIMITED":
        return t("errRateLimited");
      case "REGISTRATION_INVALID":
      case "ENROLLMENT_FLOW_INVALID":
        return t("errRegistration");
      case "ORIGIN_NOT_ALLOWED":
        return t("errOriginNotAllowed");
    }
    return t("errGeneric", error.message);
  }
  if (error instanceof DOMException && error.name === "NotAllowedError") return t("errPasskeyCancelled");
  return t("errGeneric", error instanceof Error ? error.message : String(error));
}

export function EnrolForm({ lockedServerUrl, initialServerUrl, organizationName, compact, onCancel, onEnrolled }: Props) {
  const [serverUrl, setServerUrl] = useState(initialServerUrl);
  const [code, setCode] = useState("");
  const [deviceLabel, setDeviceLabel] = useState(defaultDeviceLabel);
  const [consent, setConsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => setServerUrl(initialServerUrl), [initialServerUrl]);
  useEffect(() => firstField.current?.focus(), []);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  async function submit(event: Event) {
    event.preventDefault();
    const url = lockedServerUrl ?? validServerUrl(serverUrl);
    if (!url) return setError(t("errServerUrl"));
    if (!code.trim()) return setError(t("errCodeEmpty"));
    if (!consent) return setError(t("errConsent"));
    setBusy(true);
    setError(null);
    try {
      const enrolment = await enrol({ serverUrl: url, code: code.trim().toUpperCase(), deviceLabel: deviceLabel.trim() || defaultDeviceLabel(), now: Date.now });
      onEnrolled(enrolment);
    } catch (caught) {
      setError(enrolErrorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class={compact ? "enrol compact" : "enrol"} onSubmit={submit} noValidate>
      {organizationName && <p class="org">{t("managedBy", organizationName)}</p>}
      <p>{t("enrolIntro")}</p>
      {lockedServerUrl ? (
        <p class="muted">{t("serverFixed", lockedServerUrl)}</p>
      ) : (
        <label>
          {t("serverUrl")}
          <input
            ref={firstField}
            type="url"
            name="serverUrl"
            inputMode="url"
            autoComplete="url"
            spellcheck={false}
            placeholder="https://"
            value={serverUrl}
            onInput={(e) => setServerUrl(e.currentTarget.value)}
            aria-describedby="server-url-hint"
          />
          <small id="server-url-hint">{t("serverUrlHint")}</small>
        </label>
      )}
      <label>
        {t("enrolmentCode")}
        <input
          ref={lockedServerUrl ? firstField : undefined}
          class="code-input"
          name="code"
          autoComplete="one-time-code"
          spellcheck={false}
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
          aria-describedby="code-hint"
        />
        <small id="code-hint">{t("enrolmentCodeHint")}</small>
      </label>
      {!compact && (
        <label>
          {t("deviceLabel")}
          <input name="deviceLabel" value={deviceLabel} maxLength={60} onInput={(e) => setDeviceLabel(e.currentTarget.value)} />
        </label>
      )}
      <section class="consent" aria-labelledby="consent-title">
        <h3 id="consent-title">{t("consentTitle")}</h3>
        <p>{t("consentIntro")}</p>
        <ul>
          <li>{t("consentTime")}</li>
          <li>{t("consentIp")}</li>
          <li>{t("consentLocation")}</li>
          <li>{t("consentDevice")}</li>
        </ul>
        <p>{t("consentNothingElse")}</p>
        <p class="muted small">{t("consentNoticeVersion", NOTICE_VERSION)}</p>
        <label class="check">
          <input type="checkbox" name="consent" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
          <span>{t("consentCheckbox")}</span>
        </label>
      </section>
      {error && (
        <p class="message error" role="alert" tabIndex={-1} ref={errorRef}>
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("enrolling") : t("enrolButton")}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy}>
            {t("cancel")}
          </button>
        )}
      </div>
    </form>
  );
}
