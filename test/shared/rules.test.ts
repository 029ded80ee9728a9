import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { haversineMeters } from "../../shared/geo";
import type { PunchKind } from "../../shared/punch";
import { evaluatePunch, type GeoPoint, IP_LOCATION_ACCURACY_M, type Place, type PunchRuleInput, type PunchVerdict } from "../../shared/rules";
import { DEFAULT_SETTINGS, OUTCOMES, type Outcome, REASON_CODES, type ReasonCode, resolveSettings } from "../../shared/settings";
import { localDate } from "../../shared/time";

const SHANGHAI_OFFICE: Place = { lat: 31.2304, lon: 121.4737, radiusM: 200 };
const HOME_OFFICE: Place = { lat: 31.2005, lon: 121.4365, radiusM: 100 };
const BEIJING: GeoPoint = { lat: 39.9042, lon: 116.4074 };
const HANGZHOU: GeoPoint = { lat: 30.2741, lon: 120.1551 };
const NETWORKS = ["203.0.113.0/24", "2001:db8:1234::/48"];
const NINE_AM_SHANGHAI = Date.UTC(2026, 10, 27, 1, 0);
const HOUR = 3_600_000;
const MINUTE = 60_000;

const M_PER_DEG = (Math.PI / 180) * 6_371_008.8;
/** The point `m` metres due north of `p`. */
const north = (p: GeoPoint, m: number): GeoPoint => ({ lat: p.lat + m / M_PER_DEG, lon: p.lon });
/** Due north of `p` at `m` metres as the code measures it: the farthest point not beyond `m` after float rounding. */
function onCircle(p: GeoPoint, m: number): GeoPoint {
  let q = north(p, m);
  while (haversineMeters(p, q) > m) q = { ...q, lat: q.lat - 1e-13 };
  return q;
}
const fixAt = (p: GeoPoint, accuracy = 20) => ({ lat: p.lat, lon: p.lon, accuracy });
/**
 * A fix about `m` metres north of `from` whose accuracy leaves exactly `unexplained` metres
 * of the measured distance: a boundary that float rounding cannot blur.
 */
function fixLeaving(from: GeoPoint, m: number, unexplained: number) {
  const p = north(from, m);
  return fixAt(p, haversineMeters(from, p) - unexplained);
}

const ALL_FLAG = Object.fromEntries(REASON_CODES.map((r) => [r, "flag"])) as Record<ReasonCode, Outcome>;
type Overrides = Partial<Omit<PunchRuleInput, "settings">> & { settings?: Partial<PunchRuleInput["settings"]> };

/** A quiet online punch in the Shanghai office at 09:00; every rule's outcome is `flag`, so each found reason shows. */
function punch({ settings, ...rest }: Overrides = {}): PunchRuleInput {
  return {
    kind: "in",
    time: NINE_AM_SHANGHAI,
    mode: "online",
    clockSkew: false,
    fix: null,
    fixError: null,
    places: [],
    networks: [],
    ip: null,
    country: null,
    ipLocation: null,
    previous: null,
    day: null,
    syncedPasskey: false,
    counterRegression: false,
    ...rest,
    settings: { ...resolveSettings({}), outcomes: ALL_FLAG, ...settings },
  };
}

type Row = [name: string, input: Overrides, found: ReasonCode[]];
const reasonsOf = (input: Overrides) => evaluatePunch(punch(input)).reasons;

describe("evaluatePunch", () => {
  const inOffice = { places: [SHANGHAI_OFFICE] };

  it.each<Row>([
    ["online with a correct clock", {}, []],
    ["offline", { mode: "offline" }, ["offline"]],
    ["clock outside the bracket", { clockSkew: true }, ["clock_skew"]],
    ["offline and skewed, listed in code order", { clockSkew: true, mode: "offline" }, ["offline", "clock_skew"]],
  ])("mode and clock: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  it.each<Row>([
    ["~150 m from the office centre is inside", { ...inOffice, fix: fixAt(north(SHANGHAI_OFFICE, 150)) }, []],
    ["~500 m from the office centre is outside", { ...inOffice, fix: fixAt(north(SHANGHAI_OFFICE, 500)) }, ["outside_geofence"]],
    ["exactly radius + allowance is inside", { ...inOffice, fix: fixAt(onCircle(SHANGHAI_OFFICE, 300), 100) }, []],
    ["1 m beyond radius + allowance is outside", { ...inOffice, fix: fixAt(north(SHANGHAI_OFFICE, 301), 100) }, ["outside_geofence"]],
    ["a fix better than the allowance widens by its own accuracy, exactly to the edge", { ...inOffice, fix: fixLeaving(SHANGHAI_OFFICE, 250, 200) }, []],
    ["…and not a metre further", { ...inOffice, fix: fixAt(north(SHANGHAI_OFFICE, 251), 50) }, ["outside_geofence"]],
    ["a poor fix widens only by the allowance (inside)", { ...inOffice, fix: fixAt(onCircle(SHANGHAI_OFFICE, 300), 5_000) }, ["low_accuracy"]],
    ["a poor fix widens only by the allowance (outside)", { ...inOffice, fix: fixAt(north(SHANGHAI_OFFICE, 301), 5_000) }, ["outside_geofence", "low_accuracy"]],
    ["a zero allowance leaves the bare radius (inside)", { ...inOffice, fix: fixAt(onCircle(SHANGHAI_OFFICE, 200), 0), settings: { locationAccuracyAllowanceM: 0 } }, []],
    ["a zero allowance leaves the bare radius (outside, and any inexact fix is poor)", { ...inOffice, fix: fixAt(north(SHANGHAI_OFFICE, 201), 20), settings: { locationAccuracyAllowanceM: 0 } }, ["outside_geofence", "low_accuracy"]],
    ["at home, far from the office, with the home office a place", { places: [SHANGHAI_OFFICE, HOME_OFFICE], fix: fixAt(north(HOME_OFFICE, 50)) }, []],
    ["at home without the home office approved", { ...inOffice, fix: fixAt(north(HOME_OFFICE, 50)) }, ["outside_geofence"]],
    ["no places: a fix anywhere is fine", { fix: fixAt(BEIJING) }, []],
    ["no places: no fix is fine", { fixError: "denied" }, []],
    ["no places: a poor fix is fine", { fix: fixAt(SHANGHAI_OFFICE, 5_000) }, []],
    ["location denied", { ...inOffice, fixError: "denied" }, ["no_location"]],
    ["location unavailable", { ...inOffice, fixError: "unavailable" }, ["no_location"]],
    ["location timed out", { ...inOffice, fixError: "timeout" }, ["no_location"]],
    ["geolocation unsupported", { ...inOffice, fixError: "unsupported" }, ["no_location"]],
    ["accuracy equal to the allowance", { ...inOffice, fix: fixAt(SHANGHAI_OFFICE, 100) }, []],
    ["accuracy 1 m worse than the allowance", { ...inOffice, fix: fixAt(SHANGHAI_OFFICE, 101) }, ["low_accuracy"]],
  ])("where: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  it.each<Row>([
    ["an IPv4 address on the VPN", { networks: NETWORKS, ip: "203.0.113.7" }, []],
    ["the last IPv4 address of the range", { networks: NETWORKS, ip: "203.0.113.255" }, []],
    ["the IPv4 address just below the range", { networks: NETWORKS, ip: "203.0.112.255" }, ["ip_not_allowed"]],
    ["an IPv4 address elsewhere", { networks: NETWORKS, ip: "198.51.100.20" }, ["ip_not_allowed"]],
    ["an IPv6 address in the /48", { networks: NETWORKS, ip: "2001:db8:1234:ffff::1" }, []],
    ["an IPv6 address in the next /48", { networks: NETWORKS, ip: "2001:db8:1235::1" }, ["ip_not_allowed"]],
    ["an IPv4-mapped IPv6 address on the VPN", { networks: NETWORKS, ip: "::ffff:203.0.113.7" }, []],
    ["an IPv4-mapped IPv6 address elsewhere", { networks: NETWORKS, ip: "::ffff:198.51.100.20" }, ["ip_not_allowed"]],
    ["no IP known", { networks: NETWORKS, ip: null }, ["ip_not_allowed"]],
    ["garbage for an IP", { networks: NETWORKS, ip: "not-an-ip" }, ["ip_not_allowed"]],
    ["no networks: any IP", { ip: "198.51.100.20" }, []],
    ["no networks: no IP", { ip: null }, []],
  ])("networks: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  const countries = (allowedCountries: string[]) => ({ settings: { allowedCountries } });
  it.each<Row>([
    ["an allowed country", { ...countries(["CN", "SG"]), country: "SG" }, []],
    ["an allowed country in lower case", { ...countries(["CN", "SG"]), country: "cn" }, []],
    ["another country", { ...countries(["CN", "SG"]), country: "US" }, ["country_not_allowed"]],
    ["no country known", { ...countries(["CN", "SG"]), country: null }, ["country_not_allowed"]],
    ["empty list: any country", { ...countries([]), country: "US" }, []],
    ["empty list: no country", { ...countries([]), country: null }, []],
  ])("countries: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  it.each<Row>([
    ["browser in Shanghai, IP in Beijing (~1,067 km)", { fix: fixAt(SHANGHAI_OFFICE), ipLocation: BEIJING }, ["ip_location_mismatch"]],
    ["browser in Shanghai, IP in Hangzhou (~165 km)", { fix: fixAt(SHANGHAI_OFFICE), ipLocation: HANGZHOU }, []],
    ["exactly the threshold plus the fix's accuracy apart", { fix: fixLeaving(SHANGHAI_OFFICE, 501_000, 500_000), ipLocation: SHANGHAI_OFFICE }, []],
    ["1 m beyond it", { fix: fixAt(SHANGHAI_OFFICE, 1_000), ipLocation: north(SHANGHAI_OFFICE, 501_001) }, ["ip_location_mismatch"]],
    ["a lower threshold", { fix: fixAt(SHANGHAI_OFFICE), ipLocation: HANGZHOU, settings: { ipMismatchKm: 100 } }, ["ip_location_mismatch"]],
    ["no IP location", { fix: fixAt(SHANGHAI_OFFICE), ipLocation: null }, []],
    ["no fix", { fixError: "denied", ipLocation: BEIJING }, []],
  ])("IP location: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  const previousAt = (hoursAgo: number, at: GeoPoint | null, accuracy = 10) => ({
    previous: { kind: "out" as const, time: NINE_AM_SHANGHAI - hoursAgo * HOUR, location: at && { ...at, accuracy } },
  });
  it.each<Row>([
    ["Shanghai to Beijing in an hour", { ...previousAt(1, SHANGHAI_OFFICE), fix: fixAt(BEIJING, 10) }, ["impossible_travel"]],
    ["Shanghai to Beijing in two hours (~534 km/h)", { ...previousAt(2, SHANGHAI_OFFICE), fix: fixAt(BEIJING, 10) }, []],
    ["exactly the speed limit", { ...previousAt(1, SHANGHAI_OFFICE, 0), fix: fixLeaving(SHANGHAI_OFFICE, 901_000, 900_000) }, []],
    ["1 m an hour over it", { ...previousAt(1, SHANGHAI_OFFICE, 0), fix: fixAt(north(SHANGHAI_OFFICE, 900_001), 0) }, ["impossible_travel"]],
    ["both accuracies count for the traveller", { ...previousAt(1, SHANGHAI_OFFICE, 500), fix: fixAt(onCircle(SHANGHAI_OFFICE, 901_000), 500) }, []],
    ["a previous punch later in time counts the same", { ...previousAt(-1, BEIJING), fix: fixAt(SHANGHAI_OFFICE, 10) }, ["impossible_travel"]],
    ["the same instant, somewhere else", { ...previousAt(0, SHANGHAI_OFFICE), fix: fixAt(north(SHANGHAI_OFFICE, 100), 10) }, ["impossible_travel"]],
    ["the same instant, within the accuracies", { ...previousAt(0, SHANGHAI_OFFICE), fix: fixAt(north(SHANGHAI_OFFICE, 19), 10) }, []],
    ["no fix: the IP location stands in, with 50 km of accuracy", { ...previousAt(1, SHANGHAI_OFFICE, 0), ipLocation: north(SHANGHAI_OFFICE, 950_000 + 1) }, ["impossible_travel"]],
    ["…so it takes 50 km more to be impossible", { ...previousAt(1, SHANGHAI_OFFICE, 0), ipLocation: onCircle(SHANGHAI_OFFICE, 900_000 + IP_LOCATION_ACCURACY_M) }, []],
    ["the fix is preferred over the IP location", { ...previousAt(1, SHANGHAI_OFFICE), fix: fixAt(SHANGHAI_OFFICE, 10), ipLocation: BEIJING }, ["ip_location_mismatch"]],
    ["the previous punch has no location", { ...previousAt(1, null), fix: fixAt(BEIJING, 10) }, []],
    ["this punch has no location", { ...previousAt(1, SHANGHAI_OFFICE), fixError: "denied" }, []],
    ["no previous punch", { fix: fixAt(BEIJING, 10) }, []],
  ])("travel: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  const shift = (earliestInMin: number | null) => ({
    day: {
      plan: {
        kind: "shift" as const,
        shift: { date: "2026-11-27", start: NINE_AM_SHANGHAI, end: NINE_AM_SHANGHAI + 9 * HOUR, coreStart: null, coreEnd: null, requiredMinutes: 480 },
      },
      earliestInMin,
      restDayWorkAllowed: false,
    },
  });
  const dayOff = (plan: { kind: "rest" } | { kind: "holiday"; name: string }, restDayWorkAllowed: boolean) => ({
    day: { plan, earliestInMin: 60, restDayWorkAllowed },
  });
  const early = NINE_AM_SHANGHAI - 60 * MINUTE;
  it.each<Row>([
    ["in exactly at the earliest clock-in", { ...shift(60), time: early }, []],
    ["in a minute before it", { ...shift(60), time: early - MINUTE }, ["outside_window"]],
    ["out before the earliest clock-in (the window is for clocking in)", { ...shift(60), kind: "out", time: early - HOUR }, []],
    ["in at any hour without an earliest clock-in", { ...shift(null), time: NINE_AM_SHANGHAI - 6 * HOUR }, []],
    ["in on a rest day that expects none", { ...dayOff({ kind: "rest" }, false) }, ["outside_window"]],
    ["out on a rest day that expects none", { ...dayOff({ kind: "rest" }, false), kind: "out" }, ["outside_window"]],
    ["in on a holiday that expects none", { ...dayOff({ kind: "holiday", name: "National Day" }, false) }, ["outside_window"]],
    ["in on a rest day where work is allowed", { ...dayOff({ kind: "rest" }, true) }, []],
    ["in on a holiday where work is allowed", { ...dayOff({ kind: "holiday", name: "National Day" }, true) }, []],
    ["nothing scheduled at all", { day: null, time: NINE_AM_SHANGHAI - 6 * HOUR }, []],
  ])("when: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  const previousKind = (kind: PunchKind) => ({ previous: { kind, time: NINE_AM_SHANGHAI - HOUR, location: null } });
  it.each<Row>([
    ["in after in", { ...previousKind("in"), kind: "in" }, ["duplicate_kind"]],
    ["out after out", { ...previousKind("out"), kind: "out" }, ["duplicate_kind"]],
    ["in after out", { ...previousKind("out"), kind: "in" }, []],
    ["out after in", { ...previousKind("in"), kind: "out" }, []],
    ["a first punch", { previous: null, kind: "out" }, []],
    ["a synced passkey where they are not allowed", { syncedPasskey: true, settings: { syncedPasskeysAllowed: false } }, ["synced_passkey"]],
    ["a synced passkey where they are allowed", { syncedPasskey: true, settings: { syncedPasskeysAllowed: true } }, []],
    ["a device-bound passkey where synced ones are not allowed", { syncedPasskey: false, settings: { syncedPasskeysAllowed: false } }, []],
    ["a signature counter below that of a punch signed earlier", { counterRegression: true }, ["counter_regression"]],
  ])("sequence and device: %s", (_name, input, found) => {
    expect(reasonsOf(input)).toEqual(found);
  });

  const lowAccuracyOutside: Overrides = { ...inOffice, fix: fixAt(north(SHANGHAI_OFFICE, 2_000), 5_000) };
  it.each<[string, Overrides, Partial<Record<ReasonCode, Outcome>> | null, PunchVerdict]>([
    ["defaults: nothing found is accepted", {}, null, { status: "accepted", reasons: [] }],
    ["defaults: offline is flagged", { mode: "offline" }, null, { status: "flagged", reasons: ["offline"] }],
    ["defaults: low accuracy alone is ignored", { ...inOffice, fix: fixAt(SHANGHAI_OFFICE, 5_000) }, null, { status: "accepted", reasons: [] }],
    ["defaults: outside and low accuracy lists only outside", lowAccuracyOutside, null, { status: "flagged", reasons: ["outside_geofence"] }],
    ["defaults: a synced passkey that is not allowed is ignored", { syncedPasskey: true, settings: { syncedPasskeysAllowed: false } }, null, { status: "accepted", reasons: [] }],
    ["defaults: a counter regression is flagged, never rejected", { counterRegression: true }, null, { status: "flagged", reasons: ["counter_regression"] }],
    ["ignore removes the reason", { mode: "offline" }, { offline: "ignore" }, { status: "accepted", reasons: [] }],
    ["ignore removes one reason and keeps the other", { mode: "offline", clockSkew: true }, { offline: "ignore" }, { status: "flagged", reasons: ["clock_skew"] }],
    ["reject beats flag", { mode: "offline", clockSkew: true }, { clock_skew: "reject" }, { status: "rejected", reasons: ["offline", "clock_skew"] }],
    ["an ignored reason drops out beside a rejecting one", { mode: "offline", ...inOffice, fixError: "denied" }, { offline: "ignore", no_location: "reject" }, { status: "rejected", reasons: ["no_location"] }],
    ["a reason turned on by policy", lowAccuracyOutside, { low_accuracy: "reject" }, { status: "rejected", reasons: ["outside_geofence", "low_accuracy"] }],
  ])("outcomes: %s", (_name, input, outcomes, expected) => {
    const { outcomes: resolved } = resolveSettings(outcomes === null ? {} : { outcomes });
    expect(evaluatePunch(punch({ ...input, settings: { ...input.settings, outcomes: resolved } }))).toEqual(expected);
  });

  describe("properties", () => {
    const point = (spreadDeg: number) =>
      fc.record({
        lat: fc.double({ min: SHANGHAI_OFFICE.lat - spreadDeg, max: SHANGHAI_OFFICE.lat + spreadDeg, noNaN: true }),
        lon: fc.double({ min: SHANGHAI_OFFICE.lon - spreadDeg, max: SHANGHAI_OFFICE.lon + spreadDeg, noNaN: true }),
      });
    // Mostly around the office so that inside and outside both occur; sometimes anywhere.
    const anyPoint = fc.oneof(point(0.02), point(0.02), fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) }));
    const located = fc.tuple(anyPoint, fc.double({ min: 0, max: 20_000, noNaN: true })).map(([p, accuracy]) => ({ ...p, accuracy }));
    const place = fc.tuple(point(0.02), fc.integer({ min: 10, max: 2_000 })).map(([p, radiusM]) => ({ ...p, radiusM }));
    const time = fc.integer({ min: NINE_AM_SHANGHAI - 48 * HOUR, max: NINE_AM_SHANGHAI + 48 * HOUR });
    const kind = fc.constantFrom<PunchKind>("in", "out");
    const outcomes = fc.record(Object.fromEntries(REASON_CODES.map((r) => [r, fc.constantFrom(...OUTCOMES)]))) as fc.Arbitrary<Record<ReasonCode, Outcome>>;
    const plan = fc.oneof(
      time.map((start) => ({ kind: "shift" as const, shift: { date: "2026-11-27", start, end: start + 8 * HOUR, coreStart: null, coreEnd: null, requiredMinutes: 480 } })),
      fc.constant({ kind: "rest" as const }),
      fc.constant({ kind: "holiday" as const, name: "Holiday" }),
    );
    const inputArb: fc.Arbitrary<PunchRuleInput> = fc.record({
      kind,
      time,
      mode: fc.constantFrom("online" as const, "offline" as const),
      clockSkew: fc.boolean(),
      fix: fc.option(located),
      fixError: fc.option(fc.constantFrom("denied" as const, "unavailable" as const, "timeout" as const, "unsupported" as const)),
      places: fc.array(place, { maxLength: 4 }),
      networks: fc.subarray([...NETWORKS, "10.0.0.0/8", "198.51.100.0/25", "::/0", "fd00::/8"]),
      ip: fc.option(fc.constantFrom("203.0.113.7", "10.1.2.3", "198.51.100.200", "2001:db8:1234::9", "::ffff:10.0.0.1", "fd12::1", "junk")),
      country: fc.option(fc.constantFrom("CN", "cn", "SG", "US", "DE")),
      ipLocation: fc.option(anyPoint),
      previous: fc.option(fc.record({ kind, time, location: fc.option(located) })),
      day: fc.option(fc.record({ plan, earliestInMin: fc.option(fc.integer({ min: 0, max: 720 })), restDayWorkAllowed: fc.boolean() })),
      syncedPasskey: fc.boolean(),
      counterRegression: fc.boolean(),
      settings: fc.record({
        outcomes,
        locationAccuracyAllowanceM: fc.integer({ min: 0, max: 10_000 }),
        ipMismatchKm: fc.integer({ min: 1, max: 20_000 }),
        travelSpeedKmh: fc.integer({ min: 1, max: 100_000 }),
        allowedCountries: fc.subarray(["CN", "SG", "US"]),
        syncedPasskeysAllowed: fc.boolean(),
      }),
    });

    it("lists reasons from REASON_CODES, in that order, each at most once", () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          const indexes = evaluatePunch(input).reasons.map((r) => REASON_CODES.indexOf(r));
          expect(indexes.every((i, n) => i >= 0 && (n === 0 || i > indexes[n - 1]!))).toBe(true);
        }),
      );
    });

    it("status is rejected iff a listed reason rejects, accepted iff none is listed", () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          const { status, reasons } = evaluatePunch(input);
          const listed = reasons.map((r) => input.settings.outcomes[r]);
          expect(listed).not.toContain("ignore");
          expect(status === "rejected").toBe(listed.includes("reject"));
          expect(status === "accepted").toBe(reasons.length === 0);
        }),
      );
    });

    it("the order of places and networks never changes the verdict", () => {
      const permuted = inputArb.chain((input) =>
        fc.tuple(
          fc.constant(input),
          fc.shuffledSubarray([...input.places], { minLength: input.places.length, maxLength: input.places.length }),
          fc.shuffledSubarray([...input.networks], { minLength: input.networks.length, maxLength: input.networks.length }),
        ),
      );
      fc.assert(
        fc.property(permuted, ([input, places, networks]) => {
          expect(evaluatePunch({ ...input, places, networks })).toEqual(evaluatePunch(input));
        }),
      );
    });

    it("adding a place to a non-empty list never adds outside_geofence, nor any other reason", () => {
      // From an empty list a place turns the geofence rules on, which may well add reasons.
      const withPlaces = fc.tuple(inputArb, fc.array(place, { minLength: 1, maxLength: 4 }), place, fc.nat());
      fc.assert(
        fc.property(withPlaces, ([input, places, extra, at]) => {
          const before = evaluatePunch({ ...input, places }).reasons;
          const i = at % (places.length + 1);
          const after = evaluatePunch({ ...input, places: [...places.slice(0, i), extra, ...places.slice(i)] }).reasons;
          expect(before).toEqual(expect.arrayContaining(after));
        }),
      );
    });
  });
});

describe("resolveSettings", () => {
  it("fills defaults and ignores broken stored values", () => {
    expect(resolveSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(resolveSettings({ offlineWindowHours: "lots" })).toEqual(DEFAULT_SETTINGS);
    expect(resolveSettings({ offlineWindowHours: 24 }).offlineWindowHours).toBe(24);
    expect(resolveSettings({ outcomes: { offline: "ignore" } }).outcomes.clock_skew).toBe("flag");
  });
});

describe("localDate", () => {
  it.each([
    [Date.UTC(2026, 10, 27, 16, 30), "Asia/Shanghai", "2026-11-28"],
    [Date.UTC(2026, 10, 27, 16, 30), "America/New_York", "2026-11-27"],
    [Date.UTC(2026, 10, 27, 18, 29, 59), "Asia/Kolkata", "2026-11-27"],
    [Date.UTC(2026, 10, 27, 18, 30), "Asia/Kolkata", "2026-11-28"],
  ])("%i in %s is %s", (ms, tz, date) => {
    expect(localDate(ms, tz)).toBe(date);
  });
});
