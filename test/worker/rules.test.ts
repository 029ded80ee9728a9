import { beforeAll, describe, expect, it } from "vitest";
import { addDays, zonedInstant } from "../../shared/schedule";
import { localDate, MINUTE_MS } from "../../shared/time";
import {
  type Admin,
  adminCall,
  call,
  createEmployee,
  d1RoundTrips,
  type EnrolledDevice,
  enrolDevice,
  EXT_ORIGIN,
  makePunch,
  nonce,
  setUpFirstAdmin,
  sign,
} from "./helpers";

// "Shanghai office within 200 m, or the approved home office; company VPN ranges only;
// 09:00–18:00 with 10 minutes' grace", judged in the employee's own zone.
const TZ = "Asia/Shanghai";
const OFFICE = { lat: 31.2304, lon: 121.4737 };
const NEAR_OFFICE = { lat: 31.2317, lon: 121.4737, accuracy: 15 }; // ~145 m north
const HOME = { lat: 31.3, lon: 121.5 };
const BEIJING = { lat: 39.9042, lon: 116.4074, accuracy: 20 };
const VPN_V4 = "203.0.113.7";
const VPN_V6 = "2001:db8:1234::42";
const SHANGHAI_CF = { country: "CN", city: "Shanghai", latitude: "31.22", longitude: "121.46" };

let admin: Admin;
let alice: EnrolledDevice;
let bob: EnrolledDevice;

async function punchAs(device: EnrolledDevice, fields: Parameters<typeof makePunch>[1], ip: string, cf: Record<string, unknown>) {
  const signed = await sign(device, makePunch(device, { tz: TZ, ...fields }));
  return call("POST", "/api/punches", { body: signed, origin: EXT_ORIGIN, headers: { "CF-Connecting-IP": ip }, cf });
}

/** A queued punch at a wall-clock time on a past local date (offline punches carry their own time). */
function at(date: string, time: string) {
  return zonedInstant(date, time, TZ);
}

const today = () => localDate(Date.now(), TZ);

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  const site = await adminCall(admin, "POST", "/api/admin/sites", { name: "Shanghai office", ...OFFICE, radiusM: 200 });
  expect(site.status).toBe(201);
  for (const cidr of ["203.0.113.0/24", "2001:db8:1234::/48"]) {
    expect((await adminCall(admin, "POST", "/api/admin/networks", { name: `VPN ${cidr}`, cidr })).status).toBe(201);
  }
  const schedule = await adminCall(admin, "POST", "/api/admin/schedules", {
    name: "Office hours",
    kind: "fixed",
    days: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "09:00", end: "18:00" })),
    graceLateMin: 10,
    graceEarlyMin: 10,
    earliestInMin: 60,
  });
  expect(schedule.status).toBe(201);
  // Queued punches are expected in this test; the company reviews country and network only.
  const settings = await adminCall(admin, "PATCH", "/api/admin/settings", { outcomes: { offline: "ignore" }, allowedCountries: ["CN"] });
  expect(settings.status).toBe(200);

  const employees = [];
  for (const name of ["张伟", "Bob Builder"]) {
    const e = await createEmployee(admin, { name, timezone: TZ });
    const patched = await adminCall(admin, "PATCH", `/api/admin/employees/${e.id}`, { scheduleId: schedule.json.id });
    expect(patched.status).toBe(200);
    employees.push(e);
  }
  const home = await adminCall(admin, "POST", `/api/admin/employees/${employees[0]!.id}/locations`, { name: "Home office", ...HOME, radiusM: 100 });
  expect(home.status).toBe(201);
  alice = await enrolDevice(admin, employees[0]!.id);
  bob = await enrolDevice(admin, employees[1]!.id);
});

describe("verdicts under the company's rules", () => {
  it("accepts a punch at the office from the VPN, still in two D1 round trips", async () => {
    const res = await punchAs(bob, { kind: "in", nonce: await nonce(), geo: NEAR_OFFICE }, VPN_V4, SHANGHAI_CF);
    expect(res.status).toBe(201);
    expect(res.json.punch.mode).toBe("online");
    expect(res.json.punch.reasons.filter((r: string) => r !== "outside_window")).toEqual([]);
    expect(d1RoundTrips(res.headers)).toBe(2);
  });

  it("flags a punch from Beijing on a foreign network, naming every reason", async () => {
    const res = await punchAs(
      bob,
      { kind: "out", nonce: await nonce(), geo: BEIJING },
      "198.51.100.9",
      { country: "US", latitude: "37.77", longitude: "-122.42" },
    );
    expect(res.status).toBe(201);
    expect(res.json.punch.status).toBe("flagged");
    expect(res.json.punch.reasons).toEqual(
      expect.arrayContaining(["outside_geofence", "ip_not_allowed", "country_not_allowed", "ip_location_mismatch", "impossible_travel"]),
    );
    const receipt = JSON.parse(res.json.receipt.payload);
    expect(receipt.reasons).toEqual(res.json.punch.reasons);
  });

  it("accepts the home office for its employee only, and an IPv6 address in the VPN range", async () => {
    const date = addDays(today(), -1);
    const home = { ...HOME, accuracy: 30 };
    const mine = await punchAs(alice, { kind: "in", clientTime: at(date, "09:30"), geo: home }, VPN_V6, SHANGHAI_CF);
    expect(mine.status).toBe(201);
    expect(mine.json.punch.reasons).toEqual([]);
    expect(mine.json.punch.status).toBe("accepted");

    const notBobs = await punchAs(bob, { kind: "in", clientTime: at(date, "09:00"), geo: home }, VPN_V6, SHANGHAI_CF);
    expect(notBobs.json.punch.reasons).toContain("outside_geofence");
  });

  it("flags a punch without a location while places are configured, and an in after an in", async () => {
    const date = addDays(today(), -1);
    const res = await punchAs(alice, { kind: "in", clientTime: at(date, "09:45"), geo: { error: "denied" } }, VPN_V4, SHANGHAI_CF);
    expect(res.json.punch.status).toBe("flagged");
    expect(res.json.punch.reasons).toEqual(["no_location", "duplicate_kind"]);
  });

  it("flags a clock-in more than an hour before the shift", async () => {
    const date = addDays(today(), -2);
    const res = await punchAs(alice, { kind: "in", clientTime: at(date, "07:30"), geo: NEAR_OFFICE }, VPN_V4, SHANGHAI_CF);
    expect(res.json.punch.reasons).toEqual(["outside_window"]);
    const out = await punchAs(alice, { kind: "out", clientTime: at(date, "18:05"), geo: NEAR_OFFICE }, VPN_V4, SHANGHAI_CF);
    expect(out.json.punch.reasons).toEqual([]);
  });

  it("rejects once the company makes a reason a rejection, and a rejected punch does not count", async () => {
    const changed = await adminCall(admin, "PATCH", "/api/admin/settings", { outcomes: { ip_not_allowed: "reject" } });
    expect(changed.status).toBe(200);
    const date = addDays(today(), -1);
    const res = await punchAs(alice, { kind: "out", clientTime: at(date, "12:00"), geo: NEAR_OFFICE }, "198.51.100.9", SHANGHAI_CF);
    expect(res.json.punch.status).toBe("rejected");
    expect(res.json.punch.reasons).toEqual(["ip_not_allowed"]);
    expect((await adminCall(admin, "PATCH", "/api/admin/settings", { outcomes: { ip_not_allowed: "flag" } })).status).toBe(200);

    // The rejected 12:00 out is ignored: the 17:00 out pairs with the 09:30 in.
    const out = await punchAs(alice, { kind: "out", clientTime: at(date, "17:00"), geo: NEAR_OFFICE }, VPN_V4, SHANGHAI_CF);
    expect(out.json.punch.reasons).toEqual([]);
  });
});

describe("days and timesheets", () => {
  it("GET /api/me summarises today in the employee's zone", async () => {
    const punched = await punchAs(alice, { kind: "in", nonce: await nonce(), geo: NEAR_OFFICE }, VPN_V4, SHANGHAI_CF);
    expect(punched.status).toBe(201);
    const me = await call("GET", "/api/me", { token: alice.token });
    expect(me.status).toBe(200);
    const t = me.json.today;
    const date = today();
    expect(me.json.timezone).toBe(TZ);
    expect(t.date).toBe(date);
    expect(t.firstIn).toBe(punched.json.punch.effectiveTime);
    const lateBy = t.firstIn - at(date, "09:00");
    expect(t.status).toBe(lateBy > 10 * MINUTE_MS ? "late" : "present");
    expect(t.lateMinutes).toBe(lateBy > 10 * MINUTE_MS ? Math.floor(lateBy / MINUTE_MS) : 0);
    expect(me.json.workday).toEqual({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5, 6, 7] });
    // The extension rounds fixes to the company's precision before it signs them.
    expect(me.json.locationPrecision).toBe(4);
  });

  it("the JSON timesheet judges each day by the schedule, grace and rules", async () => {
    const from = addDays(today(), -2);
    const to = addDays(today(), -1);
    const res = await adminCall(admin, "GET", `/api/admin/reports/timesheet?from=${from}&to=${to}&employeeId=${alice.employeeId}`);
    expect(res.status).toBe(200);
    const [first, second] = res.json.items;
    expect(res.json.items).toHaveLength(2);
    // Two days ago: 07:30 in (flagged, counted), 18:05 out.
    expect(first).toMatchObject({ employeeId: alice.employeeId, employeeName: "张伟", date: from, status: "present", lateMinutes: 0, earlyLeaveMinutes: 0, timezone: TZ });
    expect(first.workedMinutes).toBe(10 * 60 + 35);
    expect(first.overtimeMinutes).toBe(10 * 60 + 35 - 9 * 60);
    expect(first.flagged).toHaveLength(1);
    // Yesterday: in 09:30 (30 min late, beyond the 10 min grace), a duplicate in at 09:45, rejected out at 12:00, out 17:00.
    expect(second).toMatchObject({ date: to, status: "late", lateMinutes: 30, earlyLeaveMinutes: 60, workedMinutes: 7 * 60 + 30, overtimeMinutes: 0 });
    expect(second.firstIn).toBe(at(to, "09:30"));
    expect(second.lastOut).toBe(at(to, "17:00"));
  });

  it("the CSV timesheet opens in Excel: BOM, CRLF, local times, Chinese names intact", async () => {
    const date = addDays(today(), -1);
    const res = await adminCall(admin, "GET", `/api/admin/reports/timesheet?from=${date}&to=${date}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("Content-Disposition")).toContain(`timesheet-${date}-to-${date}.csv`);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const lines = res.text.slice(1).split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1).every((l) => !l.includes("\n"))).toBe(true);
    expect(lines[0]).toBe("employeeId,employeeName,timezone,date,status,firstIn,lastOut,workedMinutes,lateMinutes,earlyLeaveMinutes,overtimeMinutes,flagged");
    // Text cells quoted (no separator inside them starts a cell), numbers bare.
    const alicesRow = lines.find((l) => l.startsWith(`"${alice.employeeId}",`))!;
    expect(alicesRow.split(",").slice(1, 11)).toEqual(['"张伟"', `"${TZ}"`, `"${date}"`, '"late"', `"${date} 09:30"`, `"${date} 17:00"`, "450", "30", "60", "0"]);
    // One row per active employee for the day: the admin, Alice and Bob.
    expect(lines.length - 2).toBe(3);
  });

  it("refuses ranges over 62 days or backwards", async () => {
    for (const [from, to] of [["2026-01-01", "2026-03-05"], ["2026-02-02", "2026-02-01"]]) {
      const res = await adminCall(admin, "GET", `/api/admin/reports/timesheet?from=${from}&to=${to}`);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_FAILED");
    }
  });
});
