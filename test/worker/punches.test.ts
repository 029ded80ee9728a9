import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { punchChallengeBase64Url } from "../../shared/punch";
import { issueNonce } from "../../worker/services/crypto";
import { FLAGS, SoftAuthenticator } from "../support/soft-authenticator";
import {
  EXT_ORIGIN,
  adminCall,
  call,
  createEmployee,
  d1RoundTrips,
  enrolDevice,
  expectError,
  makePunch,
  nonce,
  setUpFirstAdmin,
  sign,
  type Admin,
  type EnrolledDevice,
} from "./helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let admin: Admin;
let alice: EnrolledDevice;
let bob: EnrolledDevice;

async function punchCount(employeeId?: string): Promise<number> {
  const row = employeeId
    ? await env.DB.prepare("SELECT count(*) AS n FROM punches WHERE employee_id = ?").bind(employeeId).first<{ n: number }>()
    : await env.DB.prepare("SELECT count(*) AS n FROM punches").first<{ n: number }>();
  return row!.n;
}

/** Security events of this kind so far: counted per source and window, then written to the audit log with their count. */
async function securityEvents(action: string): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT (SELECT coalesce(sum(count), 0) FROM security_events WHERE action = ?1 AND source <> '*')
      + (SELECT coalesce(sum(json_extract(data, '$.count')), 0) FROM audit_log WHERE action = ?1) AS n`,
  )
    .bind(action)
    .first<{ n: number }>();
  return row!.n;
}

const post = (body: unknown, headers?: Record<string, string>) => call("POST", "/api/punches", { body, headers });

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  alice = await enrolDevice(admin, (await createEmployee(admin, { name: "Alice" })).id);
  bob = await enrolDevice(admin, (await createEmployee(admin, { name: "Bob" })).id);
});

describe("a valid punch", () => {
  it("with a fresh nonce is online and takes the server's receive time", async () => {
    const punch = makePunch(alice, { nonce: await nonce(), clientTime: Date.now() - 30_000 });
    const res = await post(await sign(alice, punch));
    expect(res.status).toBe(201);
    expect(res.json.punch).toMatchObject({ mode: "online", status: "accepted", reasons: [], clientTime: punch.clientTime });
    expect(res.json.punch.effectiveTime).toBeGreaterThan(punch.clientTime);
    expect(d1RoundTrips(res.headers)).toBeLessThanOrEqual(2);
  });

  it("sent twice is recorded once: the replay answers 200 with the same record and receipt", async () => {
    const before = await punchCount(alice.employeeId);
    const body = await sign(alice, makePunch(alice, { nonce: await nonce() }));
    const first = await post(body);
    const again = await post(body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json.punch).toEqual(first.json.punch);
    expect(again.json.receipt).toEqual(first.json.receipt);
    expect(await punchCount(alice.employeeId)).toBe(before + 1);
  });

  it("keeps the raw assertion and the exact signed text for later re-verification", async () => {
    const body = await sign(alice, makePunch(alice, { nonce: await nonce() }));
    await post(body);
    const row = await env.DB.prepare("SELECT signed_punch, punch_hash, assertion FROM punches WHERE id = ?").bind(body.punch.id).first<Record<string, string>>();
    expect(JSON.parse(row!.assertion!)).toEqual(body.assertion);
    expect(row!.punch_hash).toBe(await punchChallengeBase64Url(body.punch));
    expect(JSON.parse(row!.signed_punch!)).toEqual(body.punch);
  });

  it("records the server-observed IP and, when configured, Cloudflare's geo data", async () => {
    const body = await sign(alice, makePunch(alice, { nonce: await nonce() }));
    const res = await call("POST", "/api/punches", {
      body,
      headers: { "CF-Connecting-IP": "2001:db8::42" },
      cf: { country: "DE", city: "Berlin", region: "Berlin", asn: 3320, colo: "FRA" },
    });
    expect(res.json.punch).toMatchObject({ ip: "2001:db8::42", country: "DE" });
    const row = await env.DB.prepare("SELECT city, asn, colo FROM punches WHERE id = ?").bind(body.punch.id).first();
    expect(row).toEqual({ city: "Berlin", asn: 3320, colo: "FRA" });
  });

  it("stores a geolocation denial and still records the punch", async () => {
    const res = await post(await sign(alice, makePunch(alice, { nonce: await nonce(), geo: { error: "denied" } })));
    expect(res.status).toBe(201);
    expect(res.json.punch.geo).toEqual({ error: "denied" });
  });
});

describe("time bracketing", () => {
  it("a stale nonce makes the punch offline, at the client's time within the bracket", async () => {
    const issuedAt = Date.now() - 2 * HOUR;
    const clientTime = Date.now() - 90 * MINUTE;
    const punch = makePunch(alice, { nonce: await issueNonce(env.NONCE_SECRET, issuedAt), clientTime });
    const res = await post(await sign(alice, punch));
    expect(res.status).toBe(201);
    expect(res.json.punch).toMatchObject({ mode: "offline", effectiveTime: clientTime, status: "flagged", reasons: ["offline"] });
  });

  it("a client time before the stale nonce was issued is clamped to the issue time and flagged as clock skew", async () => {
    const issuedAt = Date.now() - 2 * HOUR;
    const punch = makePunch(alice, { nonce: await issueNonce(env.NONCE_SECRET, issuedAt), clientTime: issuedAt - HOUR });
    const res = await post(await sign(alice, punch));
    expect(res.status).toBe(201);
    expect(res.json.punch).toMatchObject({ mode: "offline", effectiveTime: issuedAt, reasons: ["offline", "clock_skew"] });
  });

  it("no nonce: offline, the client's time believed up to the offline window", async () => {
    const clientTime = Date.now() - 48 * HOUR;
    const res = await post(await sign(alice, makePunch(alice, { nonce: null, clientTime })));
    expect(res.status).toBe(201);
    expect(res.json.punch).toMatchObject({ mode: "offline", effectiveTime: clientTime });
  });

  it("no nonce and older than the 72 h offline window: 422 CLOCK_OUT_OF_RANGE, nothing stored", async () => {
    const before = await punchCount();
    const res = await post(await sign(alice, makePunch(alice, { nonce: null, clientTime: Date.now() - 73 * HOUR })));
    expectError(res, 422, "CLOCK_OUT_OF_RANGE");
    expect(await punchCount()).toBe(before);
  });

  it("more than two minutes in the future: 422 CLOCK_OUT_OF_RANGE", async () => {
    const res = await post(await sign(alice, makePunch(alice, { nonce: await nonce(), clientTime: Date.now() + 3 * MINUTE })));
    expectError(res, 422, "CLOCK_OUT_OF_RANGE");
    const slightlyAhead = await post(await sign(alice, makePunch(alice, { nonce: await nonce(), clientTime: Date.now() + MINUTE })));
    expect(slightlyAhead.status).toBe(201);
  });

  it("a forged nonce is never online: treated as no nonce and logged as a security event", async () => {
    const events = await securityEvents("security.nonce_invalid");
    const forged = await issueNonce("not-the-server-secret-but-just-as-long-0123456789", Date.now());
    const res = await post(await sign(alice, makePunch(alice, { nonce: forged })));
    expect(res.status).toBe(201);
    expect(res.json.punch.mode).toBe("offline");
    expect(await securityEvents("security.nonce_invalid")).toBe(events + 1);
    const garbage = await post(await sign(alice, makePunch(alice, { nonce: "9999999999999.abc.def" })));
    expect(garbage.json.punch.mode).toBe("offline");
  });
});

describe("forgeries and protocol failures store nothing", () => {
  let before: number;
  beforeAll(async () => {
    before = await punchCount();
  });

  it("a field changed after signing: 401 ASSERTION_INVALID", async () => {
    const body = await sign(alice, makePunch(alice, { nonce: await nonce(), kind: "in" }));
    const res = await post({ ...body, punch: { ...body.punch, kind: "out" } });
    expectError(res, 401, "ASSERTION_INVALID");
    const moved = await post({ ...body, punch: { ...body.punch, geo: { lat: 31.23, lon: 121.47, accuracy: 10 } } });
    expectError(moved, 401, "ASSERTION_INVALID");
  });

  it("signed for another origin: 401 ASSERTION_INVALID", async () => {
    const punch = makePunch(alice, { nonce: await nonce() });
    expectError(await post(await sign(alice, punch, { origin: "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })), 401, "ASSERTION_INVALID");
    expectError(await post(await sign(alice, punch, { origin: "https://evil.example" })), 401, "ASSERTION_INVALID");
  });

  it("signed for another RP ID: 401 ASSERTION_INVALID", async () => {
    const punch = makePunch(alice, { nonce: await nonce() });
    expectError(await post(await sign(alice, punch, { rpId: "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })), 401, "ASSERTION_INVALID");
  });

  it("without user verification (UV flag missing): 401 ASSERTION_INVALID", async () => {
    const punch = makePunch(alice, { nonce: await nonce() });
    expectError(await post(await sign(alice, punch, { flags: FLAGS.UP })), 401, "ASSERTION_INVALID");
  });

  it("a registration-type client data or a signature by another key: 401 ASSERTION_INVALID", async () => {
    const punch = makePunch(alice, { nonce: await nonce() });
    expectError(await post(await sign(alice, punch, { type: "webauthn.create" })), 401, "ASSERTION_INVALID");
    const impostor = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN);
    await impostor.register({ challenge: "AAAA" });
    const forged = await impostor.assert({ challenge: await punchChallengeBase64Url(punch) });
    expectError(await post({ punch, assertion: { ...forged, id: punch.credentialId, rawId: punch.credentialId } }), 401, "ASSERTION_INVALID");
  });

  it("an unknown credential: 403 CREDENTIAL_UNKNOWN, logged as a security event", async () => {
    const events = await securityEvents("security.credential_unknown");
    const stranger = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN);
    await stranger.register({ challenge: "AAAA" });
    const device = { ...alice, passkey: stranger, token: "" };
    expectError(await post(await sign(device, makePunch(device, { nonce: await nonce() }))), 403, "CREDENTIAL_UNKNOWN");
    expect(await securityEvents("security.credential_unknown")).toBe(events + 1);
  });

  it("another employee's device: 403 CREDENTIAL_UNKNOWN", async () => {
    // Bob signs a punch that claims to be Alice's.
    const punch = makePunch(bob, { nonce: await nonce(), employeeId: alice.employeeId });
    expectError(await post(await sign(bob, punch)), 403, "CREDENTIAL_UNKNOWN");
  });

  it("an assertion whose id is not the punch's credential: 401 ASSERTION_INVALID", async () => {
    const { punch, assertion } = await sign(alice, makePunch(alice, { nonce: await nonce() }));
    const other = await sign(bob, makePunch(bob, { nonce: await nonce() }));
    expectError(await post({ punch, assertion: other.assertion }), 401, "ASSERTION_INVALID");
    void assertion;
  });

  it("nothing above was stored", async () => {
    expect(await punchCount()).toBe(before);
  });
});

describe("idempotency and revocation", () => {
  it("the same id with other content: 409 PUNCH_ID_CONFLICT, the first record stands", async () => {
    const first = makePunch(alice, { nonce: await nonce(), kind: "in" });
    expect((await post(await sign(alice, first))).status).toBe(201);
    const second = { ...first, kind: "out" as const };
    expectError(await post(await sign(alice, second)), 409, "PUNCH_ID_CONFLICT");
    const stored = await env.DB.prepare("SELECT kind FROM punches WHERE id = ?").bind(first.id).first();
    expect(stored).toEqual({ kind: "in" });
  });

  it("a recorded punch has exactly one audit entry with its decision, however often it is sent", async () => {
    const punch = makePunch(alice, { nonce: null, clientTime: Date.now() - 2 * MINUTE, kind: "out" });
    const signed = await sign(alice, punch);
    const first = await post(signed);
    expect(first.status).toBe(201);
    expect((await post(signed)).status).toBe(200);
    expect((await call("POST", "/api/punches/batch", { body: { items: [signed, signed] } })).status).toBe(200);
    const { results } = await env.DB.prepare(
      "SELECT actor_type, actor_id, at, data FROM audit_log WHERE action = 'punch.recorded' AND subject_id = ?",
    )
      .bind(punch.id)
      .all<{ actor_type: string; actor_id: string; at: number; data: string }>();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ actor_type: "employee", actor_id: alice.employeeId, at: first.json.punch.receivedAt });
    expect(JSON.parse(results[0]!.data)).toEqual({
      kind: "out",
      mode: "offline",
      status: first.json.punch.status,
      reasons: first.json.punch.reasons,
      punchHash: await punchChallengeBase64Url(punch),
    });
  });

  it("a revoked device: 403 CREDENTIAL_REVOKED, also for punches signed before the revocation", async () => {
    const carol = await enrolDevice(admin, (await createEmployee(admin)).id);
    const queued = await sign(carol, makePunch(carol, { nonce: null, clientTime: Date.now() - MINUTE }));
    const devices = await adminCall(admin, "GET", `/api/admin/employees/${carol.employeeId}/devices`);
    const revoke = await adminCall(admin, "DELETE", `/api/admin/devices/${devices.json.items[0].id}`);
    expect(revoke.status).toBe(200);
    expect(revoke.json.revokedAt).toEqual(expect.any(Number));
    const events = await securityEvents("security.credential_revoked");
    expectError(await post(queued), 403, "CREDENTIAL_REVOKED");
    expect(await securityEvents("security.credential_revoked")).toBe(events + 1);
    expect(await punchCount(carol.employeeId)).toBe(0);
    // The session opened by that device ended with it.
    expectError(await call("GET", "/api/me", { token: carol.token }), 401, "UNAUTHENTICATED");
  });

  it("a deactivated employee's device is refused as revoked", async () => {
    const dave = await enrolDevice(admin, (await createEmployee(admin)).id);
    expect((await adminCall(admin, "DELETE", `/api/admin/employees/${dave.employeeId}`)).json.active).toBe(false);
    expectError(await post(await sign(dave, makePunch(dave, { nonce: await nonce() }))), 403, "CREDENTIAL_REVOKED");
  });

  it("signature counters are judged in signing order: punches delivered out of order stand; a counter that goes backwards is flagged, never refused", async () => {
    const counting = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN, { counts: true });
    const erin = await enrolDevice(admin, (await createEmployee(admin)).id, counting);
    const early = await sign(erin, makePunch(erin, { nonce: null, clientTime: Date.now() - 10 * MINUTE })); // counter 1, queued
    const live = await sign(erin, makePunch(erin, { nonce: await nonce(), kind: "out" })); // counter 2
    expect((await post(live)).status).toBe(201);
    const late = await post(early);
    expect(late.status).toBe(201);
    expect(late.json.punch.reasons).not.toContain("counter_regression");
    // Signed after the punch that showed counter 2, with counter 2 again: what a cloned passkey does.
    const cloned = await post(await sign(erin, makePunch(erin, { nonce: await nonce() }), { counter: 2 }));
    expect(cloned.status).toBe(201);
    expect(cloned.json.punch).toMatchObject({ status: "flagged", reasons: ["counter_regression"] });
  });

  it("two punches signed in order with fresh nonces, the later one delivered first: both recorded, neither flagged (the outage reproduction)", async () => {
    const counting = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN, { counts: true });
    const fay = await enrolDevice(admin, (await createEmployee(admin)).id, counting);
    const first = await sign(fay, makePunch(fay, { nonce: await nonce(), kind: "in", clientTime: Date.now() - 2000 })); // counter 1
    const second = await sign(fay, makePunch(fay, { nonce: await nonce(), kind: "out", clientTime: Date.now() - 1000 })); // counter 2
    const later = await post(second);
    const earlier = await post(first);
    expect([later.status, earlier.status]).toEqual([201, 201]);
    expect(earlier.json.punch.reasons).not.toContain("counter_regression");
    expect(later.json.punch.reasons).not.toContain("counter_regression");
    // A third, signed after both with a higher counter, moves the mark on quietly.
    const third = await post(await sign(fay, makePunch(fay, { nonce: await nonce(), kind: "in" })));
    expect(third.json.punch.reasons).not.toContain("counter_regression");
    const device = await env.DB.prepare("SELECT counter, counter_punch_id FROM devices WHERE employee_id = ?").bind(fay.employeeId).first();
    expect(device).toEqual({ counter: 3, counter_punch_id: third.json.punch.id });
  });
});

describe("the batch route", () => {
  it("answers each item on its own: new, replayed, conflicting, forged and malformed", async () => {
    const fresh = await sign(alice, makePunch(alice, { nonce: null, clientTime: Date.now() - 5 * MINUTE }));
    const stored = await sign(alice, makePunch(alice, { nonce: await nonce() }));
    expect((await post(stored)).status).toBe(201);
    const conflict = await sign(alice, { ...stored.punch, kind: stored.punch.kind === "in" ? "out" : "in" });
    const forged = { ...fresh, punch: { ...fresh.punch, clientTime: fresh.punch.clientTime - 1 } };
    const before = await punchCount(alice.employeeId);
    const res = await call("POST", "/api/punches/batch", {
      body: { items: [fresh, stored, conflict, forged, { punch: { id: "nope" } }, fresh] },
    });
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: { status: number }) => r.status)).toEqual([201, 200, 409, 401, 400, 200]);
    expect(res.json.results[0]).toMatchObject({ id: fresh.punch.id, punch: { mode: "offline" }, receipt: expect.any(Object) });
    expect(res.json.results[3].error.code).toBe("ASSERTION_INVALID");
    expect(res.json.results[4]).toMatchObject({ id: "nope", error: { code: "VALIDATION_FAILED" } });
    // Queued and replayed punches open no session: only a punch signed just now does.
    expect(res.json.session).toBeUndefined();
    expect(await punchCount(alice.employeeId)).toBe(before + 1);
    expect(d1RoundTrips(res.headers)).toBeLessThanOrEqual(2);
  });

  it("records 100 queued punches in one request within two D1 round trips", async () => {
    const start = Date.now() - 60 * MINUTE;
    const items = [];
    for (let i = 0; i < 100; i++) {
      items.push(await sign(bob, makePunch(bob, { nonce: null, clientTime: start + i * 1000, kind: i % 2 ? "out" : "in" })));
    }
    const before = await punchCount(bob.employeeId);
    const res = await call("POST", "/api/punches/batch", { body: { items } });
    expect(res.json.results.every((r: { status: number }) => r.status === 201)).toBe(true);
    expect(await punchCount(bob.employeeId)).toBe(before + 100);
    expect(d1RoundTrips(res.headers)).toBeLessThanOrEqual(2);
  });

  it("refuses an empty or oversized batch with 400", async () => {
    expectError(await call("POST", "/api/punches/batch", { body: { items: [] } }), 400, "VALIDATION_FAILED");
    expectError(await call("POST", "/api/punches/batch", { body: { items: new Array(101).fill({}) } }), 400, "VALIDATION_FAILED");
  });
});

describe("the nonce", () => {
  it("is stateless, fresh and says when it expires", async () => {
    const a = await call("GET", "/api/punch/nonce");
    const b = await call("GET", "/api/punch/nonce");
    expect(a.json.nonce).not.toBe(b.json.nonce);
    expect(a.json.expiresAt - a.json.serverTime).toBe(5 * MINUTE);
    expect(Math.abs(a.json.serverTime - Date.now())).toBeLessThan(5000);
    expect(d1RoundTrips(a.headers)).toBe(0);
  });
});
