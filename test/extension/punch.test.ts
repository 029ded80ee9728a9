import { fakeBrowser } from "wxt/testing/fake-browser";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { PunchSchema, punchChallengeBase64Url, UUID_V7_PATTERN } from "../../shared/punch";
import { ApiError, NetworkError, type Api } from "../../extension/utils/api";
import { buildPunch, locatedPunch, nextKind, readGeolocation, signPunch, submitPunch } from "../../extension/utils/punch";
import {
  adoptLocationPrecision,
  attentionItem,
  lastSyncItem,
  punchStateItem,
  queueItem,
  receiptsItem,
  sessionItem,
  type PunchState,
} from "../../extension/utils/storage";
import { ENROLMENT, T0, receiptOf, recordOf, signed } from "./fakes";

beforeEach(() => fakeBrowser.reset());

type Callbacks = Parameters<Geolocation["getCurrentPosition"]>;

function fakeGeolocation(behave: (success: Callbacks[0], error: NonNullable<Callbacks[1]>, options?: PositionOptions) => void) {
  const getCurrentPosition = vi.fn((success: Callbacks[0], error?: Callbacks[1] | null, options?: PositionOptions) =>
    behave(success, error!, options),
  );
  return { geo: { getCurrentPosition } as unknown as Geolocation, getCurrentPosition };
}

const positionError = (code: number) => ({ code, message: "x", PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 }) as GeolocationPositionError;

describe("readGeolocation", () => {
  it("returns the fix, asking for a bounded, reasonably fresh position", async () => {
    const { geo, getCurrentPosition } = fakeGeolocation((ok) =>
      ok({ coords: { latitude: 31.23, longitude: 121.47, accuracy: 35 } } as GeolocationPosition),
    );
    expect(await readGeolocation(geo, 4000, 60_000)).toEqual({ lat: 31.23, lon: 121.47, accuracy: 35 });
    expect(getCurrentPosition.mock.calls[0]![2]).toMatchObject({ timeout: 4000, maximumAge: 60_000 });
  });

  it.each([
    [1, "denied"],
    [2, "unavailable"],
    [3, "timeout"],
  ] as const)("records error code %i as %s", async (code, error) => {
    const { geo } = fakeGeolocation((_ok, fail) => fail(positionError(code)));
    expect(await readGeolocation(geo)).toEqual({ error });
  });

  it("gives up on its own when the browser never answers", async () => {
    const { geo } = fakeGeolocation(() => {});
    const started = Date.now();
    expect(await readGeolocation(geo, 50)).toEqual({ error: "timeout" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("records 'unsupported' without a geolocation API", async () => {
    expect(await readGeolocation(undefined)).toEqual({ error: "unsupported" });
  });

  it("the result always fits the punch schema", async () => {
    const { geo } = fakeGeolocation((ok) => ok({ coords: { latitude: 91, longitude: -200, accuracy: 5e9 } } as GeolocationPosition));
    const fix = await readGeolocation(geo);
    expect(() => buildPunch({ enrolment: ENROLMENT, kind: "in", nonce: null, geo: fix, now: T0, timeZone: "UTC" })).not.toThrow();
    expect(PunchSchema.safeParse(buildPunch({ enrolment: ENROLMENT, kind: "in", nonce: null, geo: fix, now: T0, timeZone: "UTC" })).success).toBe(true);
  });
});

describe("buildPunch", () => {
  it("builds a punch the server's schema accepts, with a time-ordered id and the click time", () => {
    const punch = buildPunch({ enrolment: ENROLMENT, kind: "out", nonce: "n.1.mac", geo: { lat: 1, lon: 2, accuracy: 3 }, now: T0, timeZone: "Asia/Shanghai" });
    expect(PunchSchema.parse(punch)).toEqual(punch);
    expect(punch).toMatchObject({ v: 1, employeeId: "emp_1", credentialId: ENROLMENT.credentialId, kind: "out", clientTime: T0, tz: "Asia/Shanghai", nonce: "n.1.mac" });
    expect(punch.id).toMatch(UUID_V7_PATTERN);
    const later = buildPunch({ enrolment: ENROLMENT, kind: "in", nonce: null, geo: { error: "timeout" }, now: T0 + 1, timeZone: "UTC" });
    expect(later.id > punch.id).toBe(true);
    expect(later.id).not.toBe(punch.id);
  });
});

describe("the punch built for signing keeps only the company's location precision", () => {
  // Shanghai and Sydney: positive and negative degrees, more decimals than any company keeps.
  const fixOf = (latitude: number, longitude: number) =>
    fakeGeolocation((ok) => ok({ coords: { latitude, longitude, accuracy: 12.5 } } as GeolocationPosition)).geo;
  const click = (geolocation: Geolocation) =>
    locatedPunch({ enrolment: ENROLMENT, kind: "in", nonce: null, geolocation, geoTimeoutMs: 1000, now: () => T0, timeZone: "UTC" });

  it.each<[string, number | null, [number, number], [number, number], [number, number]]>([
    ["precision 4 (≈ 11 m)", 4, [31.2304167, 121.4737011], [31.2304, 121.4737], [-33.8688, -151.2093]],
    ["precision 2 (≈ 1 km)", 2, [31.2304167, 121.4737011], [31.23, 121.47], [-33.87, -151.21]],
    ["precision 0", 0, [31.2304167, 121.4737011], [31, 121], [-34, -151]],
    ["never fetched: the default, 4", null, [31.2304167, 121.4737011], [31.2304, 121.4737], [-33.8688, -151.2093]],
  ])("%s", async (_name, precision, [lat, lon], north, south) => {
    if (precision !== null) await adoptLocationPrecision(ENROLMENT.serverUrl, precision);
    const punch = await click(fixOf(lat, lon));
    expect(punch.geo).toEqual({ lat: north[0], lon: north[1], accuracy: 12.5 });
    expect(JSON.stringify(punch)).not.toContain(String(lat));
    expect((await click(fixOf(-33.8688197, -151.2092955))).geo).toEqual({ lat: south[0], lon: south[1], accuracy: 12.5 });
    expect(PunchSchema.parse(punch)).toEqual(punch);
  });

  it("the passkey signs the rounded punch, and an offline punch is queued exactly as signed", async () => {
    await adoptLocationPrecision(ENROLMENT.serverUrl, 2);
    const punch = await click(fixOf(31.2304167, 121.4737011));
    const sign = vi.fn().mockResolvedValue(signed(T0).assertion);
    const item = await signPunch(punch, sign);
    expect(sign.mock.calls[0]![0].challenge).toBe(await punchChallengeBase64Url({ ...punch, geo: { lat: 31.23, lon: 121.47, accuracy: 12.5 } }));

    const api = { punch: vi.fn().mockRejectedValue(new NetworkError("offline")) };
    expect(await submitPunch({ api, now: () => T0 }, item)).toMatchObject({ outcome: "queued" });
    expect((await queueItem.getValue())[0]!.punch.geo).toEqual({ lat: 31.23, lon: 121.47, accuracy: 12.5 });
  });

  it("another server's precision does not apply: the default until this server tells its own", async () => {
    await adoptLocationPrecision("https://other.example.com", 1);
    expect((await click(fixOf(31.2304167, 121.4737011))).geo).toEqual({ lat: 31.2304, lon: 121.4737, accuracy: 12.5 });
  });

  it("a failed fix is signed as it is", async () => {
    await adoptLocationPrecision(ENROLMENT.serverUrl, 2);
    const denied = fakeGeolocation((_ok, fail) => fail(positionError(1))).geo;
    expect((await click(denied)).geo).toEqual({ error: "denied" });
  });
});

describe("signPunch", () => {
  it("asks the passkey to sign the punch's own hash, for this credential, with user verification and no RP ID", async () => {
    const punch = signed(T0).punch;
    const assertion = signed(T0).assertion;
    const sign = vi.fn().mockResolvedValue(assertion);

    const result = await signPunch(punch, sign);

    expect(result).toEqual({ punch, assertion });
    const options = sign.mock.calls[0]![0];
    expect(options.challenge).toBe(await punchChallengeBase64Url(punch));
    expect(options.allowCredentials).toEqual([{ id: ENROLMENT.credentialId, type: "public-key" }]);
    expect(options.userVerification).toBe("required");
    expect("rpId" in options).toBe(false);
  });

  it("a changed punch gets a different challenge", async () => {
    const punch = signed(T0).punch;
    const sign = vi.fn().mockResolvedValue(signed(T0).assertion);
    await signPunch(punch, sign);
    await signPunch({ ...punch, kind: "out" }, sign);
    expect(sign.mock.calls[0]![0].challenge).not.toBe(sign.mock.calls[1]![0].challenge);
  });
});

describe("nextKind", () => {
  it.each<[PunchState["kind"], "in" | "out"]>([
    [null, "in"],
    ["in", "out"],
    ["out", "in"],
  ])("after %s the button offers %s", (kind, expected) => {
    expect(nextKind({ kind, since: null, pending: false })).toBe(expected);
  });
});

describe("submitPunch", () => {
  const clock = () => T0 + 500;

  it("201: keeps the receipt, shows clocked in, stores the renewed session and the sync time", async () => {
    const item = signed(T0, "in");
    const session = { token: "tok", expiresAt: T0 + 1e6 };
    const api: Pick<Api, "punch"> = {
      punch: vi.fn().mockResolvedValue({ status: 201, body: { punch: recordOf(item.punch, T0), receipt: receiptOf(item.punch), session } }),
    };

    const result = await submitPunch({ api, now: clock }, item);

    expect(result).toMatchObject({ outcome: "recorded", record: { id: item.punch.id }, session });
    expect((await receiptsItem.getValue()).map((r) => r.record.id)).toEqual([item.punch.id]);
    expect(await punchStateItem.getValue()).toMatchObject({ kind: "in", since: T0, pending: false });
    expect(await sessionItem.getValue()).toEqual(session);
    expect(await lastSyncItem.getValue()).toBe(T0 + 500);
    expect(await queueItem.getValue()).toEqual([]);
  });

  it("a success makes punches waiting in the queue due at once", async () => {
    const waiting = signed(T0 - 60_000, "in");
    await queueItem.setValue([{ ...waiting, queuedAt: T0 - 60_000, attempts: 3, nextAttemptAt: T0 + 600_000, lastError: "NETWORK" }]);
    const item = signed(T0, "out");
    const api = { punch: vi.fn().mockResolvedValue({ status: 201, body: { punch: recordOf(item.punch, T0), receipt: receiptOf(item.punch) } }) };
    await submitPunch({ api, now: clock }, item);
    expect((await queueItem.getValue())[0]!.nextAttemptAt).toBe(0);
  });

  it.each([
    ["the network is down", new NetworkError("offline"), "NETWORK"],
    ["503", new ApiError(503, "UNAVAILABLE", "down"), "UNAVAILABLE"],
    ["429", new ApiError(429, "RATE_LIMITED", "slow down"), "RATE_LIMITED"],
  ])("%s: the punch is queued exactly as signed and shown as pending", async (_name, error, reason) => {
    const item = signed(T0, "in");
    const api = { punch: vi.fn().mockRejectedValue(error) };

    const result = await submitPunch({ api, now: clock }, item);

    expect(result).toEqual({ outcome: "queued", reason });
    const queue = await queueItem.getValue();
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ punch: item.punch, assertion: item.assertion, queuedAt: T0 + 500 });
    expect(await punchStateItem.getValue()).toMatchObject({ kind: "in", since: T0, pending: true });
    expect(await attentionItem.getValue()).toEqual([]);
  });

  it("403: the refusal is shown and kept for the employee; the device state does not change", async () => {
    await punchStateItem.setValue({ kind: "out", since: T0 - 1000, pending: false });
    const item = signed(T0, "in");
    const api = { punch: vi.fn().mockRejectedValue(new ApiError(403, "CREDENTIAL_REVOKED", "This passkey has been revoked.")) };

    const result = await submitPunch({ api, now: clock }, item);

    expect(result).toEqual({ outcome: "refused", status: 403, code: "CREDENTIAL_REVOKED", message: "This passkey has been revoked." });
    expect(await attentionItem.getValue()).toMatchObject([{ punch: item.punch, status: 403, code: "CREDENTIAL_REVOKED", at: T0 + 500 }]);
    expect(await punchStateItem.getValue()).toMatchObject({ kind: "out", since: T0 - 1000, pending: false });
    expect(await queueItem.getValue()).toEqual([]);
  });

  it("a late-arriving older punch does not overwrite the newer state", async () => {
    const newer = signed(T0 + 60_000, "out");
    const older = signed(T0, "in");
    const ok = (p: typeof newer) => ({ status: 201, body: { punch: recordOf(p.punch, T0), receipt: receiptOf(p.punch) } });
    await submitPunch({ api: { punch: vi.fn().mockResolvedValue(ok(newer)) }, now: clock }, newer);
    await submitPunch({ api: { punch: vi.fn().mockResolvedValue(ok(older)) }, now: clock }, older);
    expect(await punchStateItem.getValue()).toMatchObject({ kind: "out", since: T0 + 60_000 });
  });
});
