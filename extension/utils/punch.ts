import {
  startAuthentication,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import { v7 as uuidv7 } from "uuid";
import type { PunchRecord, Receipt } from "../../shared/api";
import { punchChallengeBase64Url } from "../../shared/canonical";
import type { Punch, PunchGeo } from "../../shared/punch";
import { ApiError, NetworkError, type Api } from "./api";
import { addAttention, enqueue, retryAllNow } from "./queue";
import {
  DEFAULT_LOCATION_PRECISION,
  lastSyncItem,
  locationPrecisionFor,
  notePunch,
  queueItem,
  saveReceipts,
  sessionItem,
  type Enrolment,
  type PunchState,
  type Session,
  type SignedPunch,
} from "./storage";

// GeolocationPositionError codes (the constants are not on the error object in every runtime).
const PERMISSION_DENIED = 1;
const POSITION_UNAVAILABLE = 2;

/**
 * One position fix, never longer than `timeoutMs`, never rejecting: a denial, a time-out or a
 * missing API is recorded in the punch as such and never blocks punching.
 */
export function readGeolocation(
  geolocation: Geolocation | undefined,
  timeoutMs = 5000,
  maximumAgeMs = 120_000,
): Promise<PunchGeo> {
  if (!geolocation || typeof geolocation.getCurrentPosition !== "function") {
    return Promise.resolve({ error: "unsupported" });
  }
  return new Promise<PunchGeo>((resolve) => {
    let done = false;
    const finish = (geo: PunchGeo) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(geo);
    };
    // Our own timer too: some browsers never call back while a permission prompt is open.
    const timer = setTimeout(() => finish({ error: "timeout" }), timeoutMs);
    try {
      geolocation.getCurrentPosition(
        (pos) => {
          const { latitude, longitude, accuracy } = pos.coords;
          if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return finish({ error: "unavailable" });
          finish({
            lat: Math.min(90, Math.max(-90, latitude)),
            lon: Math.min(180, Math.max(-180, longitude)),
            accuracy: Math.min(1_000_000, Math.max(0, Number.isFinite(accuracy) ? accuracy : 1_000_000)),
          });
        },
        (err) => {
          if (err?.code === PERMISSION_DENIED) finish({ error: "denied" });
          else if (err?.code === POSITION_UNAVAILABLE) finish({ error: "unavailable" });
          else finish({ error: "timeout" });
        },
        { enableHighAccuracy: false, timeout: timeoutMs, maximumAge: maximumAgeMs },
      );
    } catch {
      finish({ error: "unsupported" });
    }
  });
}

/** Latitude and longitude kept to `decimals` places (as the server rounds its columns); accuracy and errors as they are. */
export function roundGeo(geo: PunchGeo, decimals: number): PunchGeo {
  if ("error" in geo) return geo;
  const factor = 10 ** decimals;
  const round = (degrees: number) => Math.round(degrees * factor) / factor;
  return { lat: round(geo.lat), lon: round(geo.lon), accuracy: geo.accuracy };
}

/**
 * The punch document the passkey will sign; `clientTime` is the device clock at the click. The
 * fix is rounded to the company's `locationPrecision` here, before signing, so the signed
 * document (which the server stores verbatim) never holds more of the position than the company keeps.
 */
export function buildPunch(opts: {
  enrolment: Enrolment;
  kind: "in" | "out";
  nonce: string | null;
  geo: PunchGeo;
  now: number;
  timeZone: string;
  /** Decimal places of latitude/longitude kept; unknown → DEFAULT_LOCATION_PRECISION. */
  locationPrecision?: number;
}): Punch {
  const now = Math.floor(opts.now);
  return {
    v: 1,
    id: uuidv7({ msecs: now }),
    employeeId: opts.enrolment.employeeId,
    credentialId: opts.enrolment.credentialId,
    kind: opts.kind,
    clientTime: now,
    tz: opts.timeZone,
    nonce: opts.nonce,
    geo: roundGeo(opts.geo, opts.locationPrecision ?? DEFAULT_LOCATION_PRECISION),
  };
}

/**
 * The punch for one click, ready for signing: a bounded position fix, rounded to the company's
 * location precision for `enrolment.serverUrl` (the default until GET /api/me has told it).
 */
export async function locatedPunch(opts: {
  enrolment: Enrolment;
  kind: "in" | "out";
  nonce: string | null;
  geolocation: Geolocation | undefined;
  geoTimeoutMs: number;
  now(): number;
  timeZone: string;
}): Promise<Punch> {
  const [geo, locationPrecision] = await Promise.all([
    readGeolocation(opts.geolocation, opts.geoTimeoutMs),
    locationPrecisionFor(opts.enrolment.serverUrl),
  ]);
  const { enrolment, kind, nonce, timeZone } = opts;
  return buildPunch({ enrolment, kind, nonce, geo, now: opts.now(), timeZone, locationPrecision });
}

export type Signer = (optionsJSON: PublicKeyCredentialRequestOptionsJSON) => Promise<AuthenticationResponseJSON>;

/**
 * Signs a punch with the employee's passkey. The challenge is the hash of the punch itself,
 * so the signature covers exactly what will be recorded. No `rpId`: Chromium then uses the
 * extension origin `chrome-extension://<id>`, which is what the server expects.
 */
export async function signPunch(
  punch: Punch,
  sign: Signer = (optionsJSON) => startAuthentication({ optionsJSON }),
): Promise<SignedPunch> {
  const challenge = await punchChallengeBase64Url(punch);
  const assertion = await sign({
    challenge,
    allowCredentials: [{ id: punch.credentialId, type: "public-key" }],
    userVerification: "required",
    timeout: 120_000,
  });
  return { punch, assertion };
}

/** The button's kind: out after an in, otherwise in. */
export function nextKind(state: PunchState): "in" | "out" {
  return state.kind === "in" ? "out" : "in";
}

export type PunchSubmission =
  | { outcome: "recorded"; record: PunchRecord; receipt: Receipt; session?: Session }
  | { outcome: "queued"; reason: string }
  | { outcome: "refused"; status: number; code: string; message: string };

/**
 * Sends a signed punch once. Recorded → receipt kept; no answer, 5xx or 429 → into the
 * offline queue exactly as signed; any other refusal → the attention list, never dropped.
 */
export async function submitPunch(deps: { api: Pick<Api, "punch">; now(): number }, signed: SignedPunch): Promise<PunchSubmission> {
  try {
    const { body } = await deps.api.punch(signed);
    const now = deps.now();
    await saveReceipts([{ record: body.punch, receipt: body.receipt, savedAt: now }]);
    await notePunch(signed.punch, false);
    if (body.session) await sessionItem.setValue(body.session);
    await lastSyncItem.setValue(now);
    // The server answers again: whatever waits in the queue is due now.
    if ((await queueItem.getValue()).length > 0) await retryAllNow();
    return { outcome: "recorded", record: body.punch, receipt: body.receipt, ...(body.session ? { session: body.session } : {}) };
  } catch (err) {
    const now = deps.now();
    if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
      await addAttention({ ...signed, status: err.status, code: err.code, message: err.message, at: now });
      return { outcome: "refused", status: err.status, code: err.code, message: err.message };
    }
    if (err instanceof ApiError || err instanceof NetworkError) {
      await enqueue(signed, now);
      await notePunch(signed.punch, true);
      return { outcome: "queued", reason: err instanceof ApiError ? err.code : "NETWORK" };
    }
    // Anything unexpected (a bug, a malformed answer): keep the punch rather than lose it.
    await enqueue(signed, now);
    await notePunch(signed.punch, true);
    return { outcome: "queued", reason: err instanceof Error ? err.message : "UNKNOWN" };
  }
}
