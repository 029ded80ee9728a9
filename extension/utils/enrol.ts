import {
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/browser";
import { createApi, type Api } from "./api";
import {
  EMPTY_PUNCH_STATE,
  adoptLocationPrecision,
  enrolmentItem,
  lastSyncItem,
  punchStateItem,
  receiptsItem,
  serverUrlItem,
  sessionItem,
  type Enrolment,
} from "./storage";

/**
 * The version of the notice the enrolment form shows (what is collected, and the checkbox):
 * sent with the enrolment and kept by the server beside the consent. Change it whenever the
 * notice's words change (consentTitle … consentCheckbox in scripts/make-locales.mjs).
 */
export const NOTICE_VERSION = "2026-11-1";

/** The employee closed or cancelled the passkey prompt (or it timed out). */
export class PasskeyCancelledError extends Error {
  override name = "PasskeyCancelledError";
}

export type Registrar = (optionsJSON: PublicKeyCredentialCreationOptionsJSON) => Promise<RegistrationResponseJSON>;

export function isPasskeyCancel(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === "NotAllowedError" || name === "AbortError";
}

/**
 * Enrols this browser for the employee whose code was given: creates a passkey bound to the
 * extension origin and stores who we are. A different employee than before starts with an
 * empty history and punch state, but punches still waiting (or needing attention) are kept:
 * each is signed by its own employee's passkey and is still sent, never dropped.
 */
export async function enrol(opts: {
  serverUrl: string;
  code: string;
  deviceLabel: string;
  api?: Api;
  register?: Registrar;
  now(): number;
}): Promise<Enrolment> {
  const api = opts.api ?? createApi(opts.serverUrl);
  const register: Registrar = opts.register ?? ((optionsJSON) => startRegistration({ optionsJSON }));
  const code = opts.code.trim();
  const { flowId, options, employee } = await api.enrollOptions(code);

  // Chromium rejects an RP ID that is an extension origin; left out, it uses that origin.
  const { rp, ...rest } = options;
  const { id: _rpId, ...rpWithoutId } = rp ?? { name: "Clockwork" };
  const optionsJSON = { ...rest, rp: rpWithoutId } as PublicKeyCredentialCreationOptionsJSON;

  let response: RegistrationResponseJSON;
  try {
    response = await register(optionsJSON);
  } catch (err) {
    if (isPasskeyCancel(err)) throw new PasskeyCancelledError("The passkey prompt was cancelled.", { cause: err });
    throw err;
  }

  const label = opts.deviceLabel.trim();
  const verified = await api.enrollVerify({
    flowId,
    code,
    response,
    ...(label ? { deviceLabel: label.slice(0, 100) } : {}),
    consent: true,
    consentVersion: NOTICE_VERSION,
  });

  const enrolment: Enrolment = {
    serverUrl: opts.serverUrl,
    employeeId: verified.employeeId,
    employeeName: employee.name,
    credentialId: verified.credentialId,
    deviceLabel: label,
    enrolledAt: opts.now(),
  };
  const previous = await enrolmentItem.getValue();
  if (!previous || previous.employeeId !== enrolment.employeeId) {
    await receiptsItem.setValue([]);
    await lastSyncItem.setValue(null);
    await punchStateItem.setValue(EMPTY_PUNCH_STATE);
  }
  await serverUrlItem.setValue(opts.serverUrl);
  await sessionItem.setValue(verified.session);
  // Before the first punch: its fix is rounded to the company's precision before it is signed.
  await adoptLocationPrecision(opts.serverUrl, verified.locationPrecision);
  await enrolmentItem.setValue(enrolment);
  return enrolment;
}
