import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../../shared/encoding";
import { canonicalPunch, punchChallengeBase64Url, PunchSchema, type Punch } from "../../shared/punch";

const punch: Punch = {
  v: 1,
  id: "0192f3a4-5b6c-7d8e-9f01-23456789abcd",
  employeeId: "emp-1",
  credentialId: "cred_ABC-123",
  kind: "in",
  clientTime: 1764230400000,
  tz: "Asia/Shanghai",
  nonce: null,
  geo: { lat: 31.2304, lon: 121.4737, accuracy: 25.5 },
};

describe("canonical form (RFC 8785)", () => {
  it("sorts keys, drops whitespace and keeps numbers in ECMAScript form", () => {
    expect(canonicalPunch(punch)).toBe(
      '{"clientTime":1764230400000,"credentialId":"cred_ABC-123","employeeId":"emp-1","geo":{"accuracy":25.5,"lat":31.2304,"lon":121.4737},"id":"0192f3a4-5b6c-7d8e-9f01-23456789abcd","kind":"in","nonce":null,"tz":"Asia/Shanghai","v":1}',
    );
  });

  it("writes non-ASCII text as UTF-8, not escapes, and exponents as ECMAScript does", () => {
    const other = { ...punch, employeeId: "李伟", geo: { lat: 1e-7, lon: -0, accuracy: 1e21 } } as Punch;
    expect(canonicalPunch(other)).toContain('"employeeId":"李伟"');
    expect(canonicalPunch(other)).toContain('"geo":{"accuracy":1e+21,"lat":1e-7,"lon":0}');
  });

  // The vector was cross-checked with Python: base64url(hashlib.sha256(canonical).digest()).
  it("has a fixed challenge: SHA-256 of the canonical UTF-8 bytes, base64url", async () => {
    expect(await punchChallengeBase64Url(punch)).toBe("PmPNE3Wv74L0q_o-g227eBRJ8WIWrNVPk98eeWK3htc");
    const bytes = new TextEncoder().encode(canonicalPunch(punch));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    expect(await punchChallengeBase64Url(punch)).toBe(toBase64Url(digest));
  });
});

/** Any punch the schema accepts. */
const punchArb: fc.Arbitrary<Punch> = fc.record({
  v: fc.constant(1 as const),
  id: fc.uuid({ version: 7 }),
  employeeId: fc.string({ minLength: 1, maxLength: 40 }),
  credentialId: fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/),
  kind: fc.constantFrom("in" as const, "out" as const),
  clientTime: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  tz: fc.constantFrom("UTC", "Europe/Berlin", "Asia/Shanghai", "Asia/Kolkata", "America/New_York"),
  nonce: fc.option(fc.string({ minLength: 1, maxLength: 80 }), { nil: null }),
  geo: fc.oneof(
    fc.record({
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
      accuracy: fc.double({ min: 0, max: 100_000, noNaN: true }),
    }),
    fc.record({ error: fc.constantFrom("denied" as const, "unavailable" as const, "timeout" as const, "unsupported" as const) }),
  ),
});

function shuffleKeys<T>(value: T, order: number[]): T {
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const shuffled = entries.map((e, i) => [order[i % order.length]! + i / 1000, e] as const).sort((a, b) => a[0] - b[0]);
  return Object.fromEntries(shuffled.map(([, [k, v]]) => [k, shuffleKeys(v, order)])) as T;
}

describe("challenge properties", () => {
  it("key order and whitespace never change the challenge", async () => {
    await fc.assert(
      fc.asyncProperty(punchArb, fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 8 }), async (p, order, indent) => {
        const reordered = shuffleKeys(p, order);
        const reparsed = JSON.parse(JSON.stringify(reordered, null, indent)) as Punch;
        expect(await punchChallengeBase64Url(reparsed)).toBe(await punchChallengeBase64Url(p));
      }),
      { numRuns: 300 },
    );
  });

  it("any change of any field changes the challenge", async () => {
    await fc.assert(
      fc.asyncProperty(punchArb, punchArb, fc.constantFrom(...(Object.keys(punch) as (keyof Punch)[])), async (a, b, field) => {
        fc.pre(JSON.stringify(a[field]) !== JSON.stringify(b[field]));
        const changed = { ...a, [field]: b[field] } as Punch;
        expect(await punchChallengeBase64Url(changed)).not.toBe(await punchChallengeBase64Url(a));
      }),
      { numRuns: 300 },
    );
  });

  it("every generated punch passes the schema, which returns it unchanged", () => {
    fc.assert(
      fc.property(punchArb, (p) => {
        const parsed = PunchSchema.parse(p);
        expect(canonicalPunch(parsed)).toBe(canonicalPunch(p));
      }),
    );
  });
});

describe("punch schema", () => {
  it.each([
    ["an extra key", { ...punch, extra: 1 }],
    ["a v4 UUID", { ...punch, id: "0192f3a4-5b6c-4d8e-9f01-23456789abcd" }],
    ["an upper-case UUID", { ...punch, id: punch.id.toUpperCase() }],
    ["an unknown kind", { ...punch, kind: "lunch" }],
    ["a fractional time", { ...punch, clientTime: 1.5 }],
    ["an unknown time zone", { ...punch, tz: "Mars/Olympus" }],
    ["latitude out of range", { ...punch, geo: { lat: 91, lon: 0, accuracy: 1 } }],
    ["a geo error and a fix at once", { ...punch, geo: { lat: 1, lon: 1, accuracy: 1, error: "denied" } }],
    ["an unknown geo error", { ...punch, geo: { error: "lost" } }],
    ["a non-base64url credential", { ...punch, credentialId: "abc+/=" }],
    ["version 2", { ...punch, v: 2 }],
  ])("refuses %s", (_name, value) => {
    expect(PunchSchema.safeParse(value).success).toBe(false);
  });
});
