import type { AuthenticationResponseJSON } from "@simplewebauthn/browser";
import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";
import type { Correction, EvidenceType, PunchRecord, Receipt } from "../../shared/api";
import type { Punch } from "../../shared/punch";
import type { MeResponse } from "./api";
import { isValidTimeZone } from "../../shared/time";
import { SERVER_DEFAULTS } from "./server-defaults";

export const DEFAULT_SERVER_URL = "http://localhost:8787";

/** Where the Clockwork Worker runs, as the employee set it (an IT policy's serverUrl wins). */
export const serverUrlItem = storage.defineItem<string>("local:serverUrl", { fallback: DEFAULT_SERVER_URL });

export interface Enrolment {
  serverUrl: string;
  employeeId: string;
  employeeName: string;
  credentialId: string;
  deviceLabel: string;
  enrolledAt: number;
}

export interface Session {
  token: string;
  expiresAt: number;
}

/** A punch exactly as the passkey signed it: what the server needs, online or later. */
export interface SignedPunch {
  punch: Punch;
  assertion: AuthenticationResponseJSON;
}

export interface QueueItem extends SignedPunch {
  queuedAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

/** A punch the server refused for good (4xx): kept until the employee dismisses or resends it. */
export interface AttentionItem extends SignedPunch {
  status: number;
  code: string;
  message: string;
  at: number;
}

export interface StoredReceipt {
  record: PunchRecord;
  receipt: Receipt;
  savedAt: number;
}

/** The last punch made on this device, sent or still queued. */
export interface PunchState {
  kind: "in" | "out" | null;
  since: number | null;
  pending: boolean;
  /** Which punch this state comes from, so a later send can clear `pending`. */
  punchId?: string | null;
  /** The state before that punch, restored if the server refuses it. */
  previous?: { kind: "in" | "out" | null; since: number | null } | null;
}

export interface Prefs {
  remindersEnabled: boolean;
  /** HH:MM, in `timeZone` while following the company, else in the browser's zone. */
  startTime: string;
  endTime: string;
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. */
  workdays: number[];
  /** Times and days follow the company's working hours from GET /api/me until the employee sets their own. */
  followCompany: boolean;
  /** IANA zone of the company's hours (the schedule's, from GET /api/me); null until known. Ignored once the hours are the employee's own. */
  timeZone: string | null;
}

/** IT policy from `browser.storage.managed` (Chrome enterprise policy). */
export interface Policy {
  serverUrl?: string;
  lockServerUrl?: boolean;
  organizationName?: string;
  locale?: "en" | "zh_CN";
  remindersEnabled?: boolean;
}

export const RECEIPTS_CAP = 1000;

export const DEFAULT_PREFS: Prefs = { remindersEnabled: true, startTime: "09:00", endTime: "18:00", workdays: [1, 2, 3, 4, 5], followCompany: true, timeZone: null };

export const EMPTY_PUNCH_STATE: PunchState = { kind: null, since: null, pending: false, punchId: null, previous: null };

export const enrolmentItem = storage.defineItem<Enrolment | null>("local:enrolment", { fallback: null });
export const sessionItem = storage.defineItem<Session | null>("local:session", { fallback: null });
export const queueItem = storage.defineItem<QueueItem[]>("local:queue", { fallback: [] });
export const attentionItem = storage.defineItem<AttentionItem[]>("local:attention", { fallback: [] });
/** Newest first, at most RECEIPTS_CAP. */
export const receiptsItem = storage.defineItem<StoredReceipt[]>("local:receipts", { fallback: [] });
export const lastSyncItem = storage.defineItem<number | null>("local:lastSync", { fallback: null });
export const punchStateItem = storage.defineItem<PunchState>("local:punchState", { fallback: EMPTY_PUNCH_STATE });

/**
 * v1 had no workdays (reminders fired every day); v2 adds them, Mon–Fri. v3 adds
 * `followCompany`: times set before v3 were chosen by the employee, so they are kept. v4 adds
 * `timeZone`: unknown until the next GET /api/me, so the browser's zone stays in use until then.
 */
export const prefsItem = storage.defineItem<Prefs>("local:prefs", {
  fallback: DEFAULT_PREFS,
  version: 4,
  migrations: {
    2: (old: Partial<Prefs> | null) => (old == null ? old : { ...DEFAULT_PREFS, ...old, workdays: old.workdays ?? [1, 2, 3, 4, 5] }),
    3: (old: Partial<Prefs> | null) => (old == null ? old : { ...DEFAULT_PREFS, ...old, followCompany: false }),
    4: (old: Partial<Prefs> | null) => (old == null ? old : { ...DEFAULT_PREFS, ...old, timeZone: null }),
  },
});

/** Company working hours as GET /api/me gives them. */
export interface Workday {
  start: string;
  end: string;
  days: number[];
}

/**
 * Takes the company's working hours, and the zone they are read in, for reminders, unless the
 * employee set their own. Returns whether anything changed.
 */
export async function adoptCompanyHours(workday: Workday, timeZone?: string | null): Promise<boolean> {
  const prefs = await prefsItem.getValue();
  if (!prefs.followCompany) return false;
  // A server too old to send the zone, or one this browser does not know: the browser's zone.
  const zone = timeZone && isValidTimeZone(timeZone) ? timeZone : null;
  const next = { ...prefs, startTime: workday.start, endTime: workday.end, workdays: [...workday.days].sort(), timeZone: zone };
  if (next.startTime === prefs.startTime && next.endTime === prefs.endTime && next.workdays.join() === prefs.workdays.join() && next.timeZone === prefs.timeZone) return false;
  await prefsItem.setValue(next);
  return true;
}

/** Decimal places of latitude/longitude kept while the company's are unknown (4 ≈ 11 m), as the server's default. */
export const DEFAULT_LOCATION_PRECISION = SERVER_DEFAULTS.locationPrecision;

/** The company's `locationPrecision` from GET /api/me, with the server it came from: another server's does not apply. */
export interface LocationPrecision {
  serverUrl: string;
  decimals: number;
}

export const locationPrecisionItem = storage.defineItem<LocationPrecision | null>("local:locationPrecision", { fallback: null, version: 1 });

const isPrecision = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 7;

/**
 * Keeps the company's location precision for punches to `serverUrl`. A server too old to send
 * it (or sending nonsense) leaves what is known. Returns whether anything changed.
 */
export async function adoptLocationPrecision(serverUrl: string, decimals: unknown): Promise<boolean> {
  if (!isPrecision(decimals)) return false;
  const known = await locationPrecisionItem.getValue();
  if (known?.serverUrl === serverUrl && known.decimals === decimals) return false;
  await locationPrecisionItem.setValue({ serverUrl, decimals });
  return true;
}

/**
 * What the extension takes from GET /api/me of `serverUrl`: the working hours (reminders) and the
 * location precision (punches). Fields an older server does not send leave what is known.
 */
export async function adoptCompanySettings(serverUrl: string, me: Partial<Pick<MeResponse, "workday" | "timezone" | "locationPrecision">>): Promise<void> {
  if (me.workday) await adoptCompanyHours(me.workday, me.timezone);
  await adoptLocationPrecision(serverUrl, me.locationPrecision);
  await adoptWorkZone(serverUrl, me);
}

/**
 * The zone the employee's days are judged in, and their working hours, as GET /api/me of
 * `serverUrl` last said: correction requests give their time in it, whatever the browser's zone.
 */
export interface WorkZone {
  serverUrl: string;
  timeZone: string;
  /** HH:MM, the usual start and end of a working day in `timeZone` (a missed punch's likely time). */
  start: string;
  end: string;
}

export const workZoneItem = storage.defineItem<WorkZone | null>("local:workZone", { fallback: null });

/** Keeps the zone and hours of GET /api/me; a server too old to send the zone leaves what is known. */
export async function adoptWorkZone(serverUrl: string, me: Partial<Pick<MeResponse, "workday" | "timezone">>): Promise<boolean> {
  if (!me.timezone || !isValidTimeZone(me.timezone)) return false;
  const next: WorkZone = { serverUrl, timeZone: me.timezone, start: me.workday?.start ?? "09:00", end: me.workday?.end ?? "18:00" };
  const known = await workZoneItem.getValue();
  if (known && JSON.stringify(known) === JSON.stringify(next)) return false;
  await workZoneItem.setValue(next);
  return true;
}

/** The decimal places a punch to `serverUrl` keeps: the company's once known, else the default. */
export async function locationPrecisionFor(serverUrl: string): Promise<number> {
  const known = await locationPrecisionItem.getValue();
  return known?.serverUrl === serverUrl && isPrecision(known.decimals) ? known.decimals : DEFAULT_LOCATION_PRECISION;
}

/** Adds receipts (newest first), replacing any earlier one for the same punch id. */
export async function saveReceipts(items: StoredReceipt[]): Promise<void> {
  if (items.length === 0) return;
  const ids = new Set(items.map((r) => r.record.id));
  const kept = (await receiptsItem.getValue()).filter((r) => !ids.has(r.record.id));
  const merged = [...items, ...kept].sort((a, b) => b.record.effectiveTime - a.record.effectiveTime);
  await receiptsItem.setValue(merged.slice(0, RECEIPTS_CAP));
}

/** Records a punch as the device's latest, unless a later one is already known. */
export async function notePunch(punch: Punch, pending: boolean): Promise<void> {
  const state = await punchStateItem.getValue();
  if (state.punchId === punch.id) {
    await punchStateItem.setValue({ ...state, pending });
    return;
  }
  if (state.since !== null && state.since > punch.clientTime) return;
  await punchStateItem.setValue({
    kind: punch.kind,
    since: punch.clientTime,
    pending,
    punchId: punch.id,
    previous: { kind: state.kind, since: state.since },
  });
}

/** A queued punch the server refused no longer counts: the device is back where it was before it. */
export async function revertPunch(punchId: string): Promise<void> {
  const state = await punchStateItem.getValue();
  if (state.punchId !== punchId) return;
  const previous = state.previous ?? { kind: null, since: null };
  await punchStateItem.setValue({ kind: previous.kind, since: previous.since, pending: false, punchId: null, previous: null });
}

// ---- correction requests ----------------------------------------------------------------------

/** What the employee asks for: the fields of POST /api/me/corrections, without the files. */
export interface CorrectionFields {
  date: string;
  kind: "in" | "out";
  time: number;
  reason: string;
}

/** An evidence file of a waiting request: its bytes are kept apart, in `correctionFilesItem`. */
export interface EvidenceMeta {
  name: string;
  type: EvidenceType;
  size: number;
}

/** A correction request waiting on this device to be filed: made offline, or without a live session. */
export interface OutboxItem {
  /** Made on this device when the request was made; one key, one request on the server. */
  key: string;
  /** Who asked: a request is never filed for someone enrolled later on this device. */
  employeeId: string;
  fields: CorrectionFields;
  files: EvidenceMeta[];
  queuedAt: number;
  attempts: number;
  lastError: string | null;
  /**
   * When a POST of it first left this device. Set (and stored) before the request goes out, and
   * never cleared: while the item is still here, an answer to that POST never arrived, so the
   * server may hold the request already.
   */
  sentAt: number | null;
  /** The server's refusal: the item stays, without its files, until the employee dismisses it. */
  refused: { status: number; code: string; message: string; details?: unknown; at: number } | null;
}

/** A file's bytes as storage keeps them (base64url text). */
export interface StoredFile {
  name: string;
  type: EvidenceType;
  data: string;
}

/** Oldest first. */
export const correctionOutboxItem = storage.defineItem<OutboxItem[]>("local:correctionOutbox", { fallback: [] });
/** The files of waiting requests by request key: apart from the outbox, so that watching it stays cheap. */
export const correctionFilesItem = storage.defineItem<Record<string, StoredFile[]>>("local:correctionFiles", { fallback: {} });

/** The employee's requests as the server last listed them (newest first), for the popup offline and to see decisions. */
export interface KnownCorrections {
  serverUrl: string;
  employeeId: string;
  items: Correction[];
  fetchedAt: number;
  /** True once read from GET /api/me/corrections; false while it holds only requests filed here. */
  complete: boolean;
}

export const correctionsItem = storage.defineItem<KnownCorrections | null>("local:corrections", { fallback: null });
/** Ids of requests decided since the popup last showed them. */
export const unseenDecisionsItem = storage.defineItem<string[]>("local:unseenDecisions", { fallback: [] });

/** A correction form being filled in: kept while the browser runs, in case the popup closes (a file dialog can close it). */
export interface CorrectionDraft {
  date: string;
  kind: "in" | "out";
  /** HH:MM in the employee's zone. */
  time: string;
  /** The time is after midnight, on the day after `date` (the end of a night shift). */
  nextDay: boolean;
  reason: string;
}

/** How long an unsent form is offered again when the popup opens. */
export const DRAFT_KEPT_MS = 30 * 60_000;

export const correctionDraftItem = storage.defineItem<(CorrectionDraft & { savedAt: number }) | null>("session:correctionDraft", { fallback: null });

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isBool = (v: unknown): v is boolean => typeof v === "boolean";

/** The last policy read, so pages render at once: Chrome's policy service can take seconds to answer after a browser start. */
export const policyCacheItem = storage.defineItem<Policy>("local:policyCache", { fallback: {} });

/** How long a page waits for the live policy before it renders with the cached one. */
export const POLICY_WAIT_MS = 250;

/**
 * Reads the IT policy; anything of the wrong type is ignored, and no managed storage means `{}`.
 * With `timeoutMs`, a live answer later than that gives way to the cached policy (right after a
 * browser start `storage.managed.get` can take seconds); the cache is refreshed and `onLive`
 * called whenever the live answer arrives, on time or not.
 */
export async function readPolicy(opts: { timeoutMs?: number; onLive?: (policy: Policy) => void } = {}): Promise<Policy> {
  const live = readLivePolicy().then(async (policy) => {
    const cached = await policyCacheItem.getValue();
    if (JSON.stringify(cached) !== JSON.stringify(policy)) await policyCacheItem.setValue(policy);
    opts.onLive?.(policy);
    return policy;
  });
  if (opts.timeoutMs === undefined) return live;
  const timeoutMs = opts.timeoutMs;
  const cached = new Promise<Policy>((resolve) => setTimeout(() => void policyCacheItem.getValue().then(resolve, () => resolve({})), timeoutMs));
  return Promise.race([live, cached]);
}

async function readLivePolicy(): Promise<Policy> {
  let raw: Record<string, unknown>;
  try {
    raw = ((await browser.storage.managed.get(null)) ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
  const policy: Policy = {};
  if (isString(raw.serverUrl) && isHttpUrl(raw.serverUrl)) policy.serverUrl = raw.serverUrl;
  if (isBool(raw.lockServerUrl)) policy.lockServerUrl = raw.lockServerUrl;
  if (isString(raw.organizationName)) policy.organizationName = raw.organizationName;
  if (raw.locale === "en" || raw.locale === "zh_CN") policy.locale = raw.locale;
  if (isBool(raw.remindersEnabled)) policy.remindersEnabled = raw.remindersEnabled;
  return policy;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * The server to talk to: IT policy wins over what the employee typed. Never waits longer than
 * `timeoutMs` for the policy (the cached one is used meanwhile), so the popup is not held up.
 */
export async function effectiveServerUrl({ timeoutMs = POLICY_WAIT_MS } = {}): Promise<{ url: string; locked: boolean }> {
  return serverUnder(await readPolicy({ timeoutMs }));
}

/** The server to talk to under a policy already read. */
export async function serverUnder(policy: Policy): Promise<{ url: string; locked: boolean }> {
  if (policy.serverUrl) return { url: policy.serverUrl, locked: policy.lockServerUrl === true };
  return { url: await serverUrlItem.getValue(), locked: false };
}
