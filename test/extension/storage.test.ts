import { fakeBrowser } from "wxt/testing/fake-browser";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { adoptCompanyHours,
  adoptCompanySettings,
  locationPrecisionFor,
  attentionItem,
  DEFAULT_PREFS,
  effectiveServerUrl,
  enrolmentItem,
  lastSyncItem,
  policyCacheItem,
  prefsItem,
  punchStateItem,
  queueItem,
  RECEIPTS_CAP,
  readPolicy,
  receiptsItem,
  saveReceipts,
  serverUrlItem,
  sessionItem,
} from "../../extension/utils/storage";
import { createApi } from "../../extension/utils/api";
import { ENROLMENT, T0, receiptOf, recordOf, signed } from "./fakes";

beforeEach(() => fakeBrowser.reset());

describe("storage items", () => {
  it("a fresh install: not enrolled, nothing queued, reminders on 09:00–18:00 Mon–Fri", async () => {
    expect(await enrolmentItem.getValue()).toBeNull();
    expect(await sessionItem.getValue()).toBeNull();
    expect(await queueItem.getValue()).toEqual([]);
    expect(await attentionItem.getValue()).toEqual([]);
    expect(await receiptsItem.getValue()).toEqual([]);
    expect(await lastSyncItem.getValue()).toBeNull();
    expect(await punchStateItem.getValue()).toMatchObject({ kind: null, since: null, pending: false });
    expect(await prefsItem.getValue()).toEqual({ remindersEnabled: true, startTime: "09:00", endTime: "18:00", workdays: [1, 2, 3, 4, 5], followCompany: true, timeZone: null });
    expect(await serverUrlItem.getValue()).toBe("http://localhost:8787");
  });

  it("prefs saved by v1 (no workdays) migrate keeping the employee's times, Mon–Fri, as their own", async () => {
    await fakeBrowser.storage.local.set({ prefs: { remindersEnabled: false, startTime: "08:30", endTime: "17:00" } });
    await prefsItem.migrate();
    expect(await prefsItem.getValue()).toEqual({ remindersEnabled: false, startTime: "08:30", endTime: "17:00", workdays: [1, 2, 3, 4, 5], followCompany: false, timeZone: null });
    expect((await fakeBrowser.storage.local.get("prefs$")).prefs$).toEqual({ v: 4 });
  });

  it.each([
    ["the employee's own hours", { remindersEnabled: true, startTime: "07:45", endTime: "16:15", workdays: [1, 3, 5], followCompany: false }],
    ["the company's hours, reminders off", { remindersEnabled: false, startTime: "08:00", endTime: "17:00", workdays: [1, 2, 3, 4, 5, 6], followCompany: true }],
  ])("prefs saved by v3 (%s) keep every setting; the zone is unknown until the next /api/me", async (_name, v3) => {
    await fakeBrowser.storage.local.set({ prefs: v3, prefs$: { v: 3 } });
    await prefsItem.migrate();
    expect(await prefsItem.getValue()).toEqual({ ...v3, timeZone: null });
    expect((await fakeBrowser.storage.local.get("prefs$")).prefs$).toEqual({ v: 4 });
  });

  it("the company's hours come with their zone; a changed zone alone is a change", async () => {
    expect(await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }, "Asia/Shanghai")).toBe(true);
    expect(await prefsItem.getValue()).toMatchObject({ startTime: "09:00", followCompany: true, timeZone: "Asia/Shanghai" });
    expect(await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }, "Asia/Shanghai")).toBe(false);
    expect(await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }, "Europe/Berlin")).toBe(true);
    expect((await prefsItem.getValue()).timeZone).toBe("Europe/Berlin");
    // An older server (no zone) or a zone this browser does not know: the browser's zone.
    expect(await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }, "Mars/Olympus_Mons")).toBe(true);
    expect((await prefsItem.getValue()).timeZone).toBeNull();
    await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }, "Asia/Shanghai");
    expect(await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] })).toBe(true);
    expect((await prefsItem.getValue()).timeZone).toBeNull();
  });

  it("the employee's own hours take no zone from the company", async () => {
    await prefsItem.setValue({ ...DEFAULT_PREFS, startTime: "10:00", followCompany: false });
    expect(await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }, "Asia/Shanghai")).toBe(false);
    expect(await prefsItem.getValue()).toMatchObject({ startTime: "10:00", timeZone: null });
  });

  it("reminders take the company's hours from /api/me until the employee sets their own", async () => {
    expect(await adoptCompanyHours({ start: "08:00", end: "16:30", days: [5, 1, 2, 3, 4, 6] })).toBe(true);
    expect(await prefsItem.getValue()).toMatchObject({ startTime: "08:00", endTime: "16:30", workdays: [1, 2, 3, 4, 5, 6], followCompany: true });
    expect(await adoptCompanyHours({ start: "08:00", end: "16:30", days: [1, 2, 3, 4, 5, 6] })).toBe(false);
    await prefsItem.setValue({ ...(await prefsItem.getValue()), startTime: "10:00", followCompany: false });
    expect(await adoptCompanyHours({ start: "07:00", end: "15:00", days: [1] })).toBe(false);
    expect(await prefsItem.getValue()).toMatchObject({ startTime: "10:00", endTime: "16:30" });
  });

  it("receipts are kept newest first, one per punch, at most 1000", async () => {
    const make = (i: number) => {
      const { punch } = signed(T0 + i * 1000);
      return { record: recordOf(punch, T0), receipt: receiptOf(punch), savedAt: T0 };
    };
    const first = Array.from({ length: 600 }, (_, i) => make(i));
    await saveReceipts(first);
    await saveReceipts(Array.from({ length: 600 }, (_, i) => make(600 + i)));
    await saveReceipts([first[599]!]); // the same punch again (a resend's 200)
    const stored = await receiptsItem.getValue();
    expect(stored).toHaveLength(RECEIPTS_CAP);
    expect(new Set(stored.map((r) => r.record.id)).size).toBe(RECEIPTS_CAP);
    expect(stored[0]!.record.clientTime).toBe(T0 + 1199 * 1000);
    expect(stored.at(-1)!.record.clientTime).toBe(T0 + 200 * 1000);
  });
});

describe("IT policy", () => {
  it("no policy: the employee's server URL, not locked", async () => {
    await serverUrlItem.setValue("https://mine.example.com");
    expect(await readPolicy()).toEqual({});
    expect(await effectiveServerUrl()).toEqual({ url: "https://mine.example.com", locked: false });
  });

  it("a policy server URL wins, and locks when IT says so", async () => {
    await serverUrlItem.setValue("https://mine.example.com");
    await fakeBrowser.storage.managed.set({ serverUrl: "https://clock.corp.example", lockServerUrl: true, organizationName: "Corp", locale: "zh_CN", remindersEnabled: false });
    expect(await readPolicy()).toEqual({ serverUrl: "https://clock.corp.example", lockServerUrl: true, organizationName: "Corp", locale: "zh_CN", remindersEnabled: false });
    expect(await effectiveServerUrl()).toEqual({ url: "https://clock.corp.example", locked: true });
  });

  it("values of the wrong type are ignored", async () => {
    await serverUrlItem.setValue("https://mine.example.com");
    await fakeBrowser.storage.managed.set({ serverUrl: 42, lockServerUrl: "yes", organizationName: "", locale: "fr", remindersEnabled: 1 });
    expect(await readPolicy()).toEqual({});
    expect(await effectiveServerUrl()).toEqual({ url: "https://mine.example.com", locked: false });
  });

  it("a browser without managed storage means no policy", async () => {
    vi.spyOn(fakeBrowser.storage.managed, "get").mockRejectedValueOnce(new Error("Managed storage manifest not found"));
    expect(await readPolicy()).toEqual({});
  });
});

describe("IT policy right after a browser start (managed storage answers late)", () => {
  const POLICY = { serverUrl: "https://clock.corp.example", lockServerUrl: true, organizationName: "Corp" };

  /** managed.get answers only after `ms`, as Chrome's policy service can right after a start. */
  function lateManaged(ms: number, value: Record<string, unknown>) {
    return vi.spyOn(fakeBrowser.storage.managed, "get").mockImplementation(
      () => new Promise((resolve) => setTimeout(() => resolve(value), ms)) as never,
    );
  }

  it("gives the cached policy on time-out, then refreshes the cache when the live answer arrives", async () => {
    await policyCacheItem.setValue({ serverUrl: "https://old.corp.example" });
    lateManaged(300, POLICY);
    const onLive = vi.fn();
    const started = Date.now();
    expect(await readPolicy({ timeoutMs: 30, onLive })).toEqual({ serverUrl: "https://old.corp.example" });
    expect(Date.now() - started).toBeLessThan(250);
    expect(onLive).not.toHaveBeenCalled();

    await vi.waitFor(() => expect(onLive).toHaveBeenCalledWith(POLICY), { timeout: 2_000 });
    expect(await policyCacheItem.getValue()).toEqual(POLICY);
  });

  it("a live answer within the time-out wins and is cached", async () => {
    lateManaged(5, POLICY);
    expect(await readPolicy({ timeoutMs: 500 })).toEqual(POLICY);
    expect(await policyCacheItem.getValue()).toEqual(POLICY);
  });

  it("without a time-out it waits for the live answer", async () => {
    await policyCacheItem.setValue({ organizationName: "Stale" });
    lateManaged(80, POLICY);
    expect(await readPolicy()).toEqual(POLICY);
  });

  it("effectiveServerUrl does not block on a slow policy: the cached server now, the live one next time", async () => {
    await serverUrlItem.setValue("https://mine.example.com");
    await policyCacheItem.setValue(POLICY);
    lateManaged(2_000, { ...POLICY, serverUrl: "https://new.corp.example" });
    const started = Date.now();
    expect(await effectiveServerUrl({ timeoutMs: 30 })).toEqual({ url: "https://clock.corp.example", locked: true });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("a first start with no cache yet: the employee's server until the policy answers", async () => {
    await serverUrlItem.setValue("https://mine.example.com");
    lateManaged(200, POLICY);
    expect(await effectiveServerUrl({ timeoutMs: 20 })).toEqual({ url: "https://mine.example.com", locked: false });
    await vi.waitFor(async () => expect(await policyCacheItem.getValue()).toEqual(POLICY), { timeout: 2_000 });
    expect(await effectiveServerUrl({ timeoutMs: 20 })).toEqual({ url: "https://clock.corp.example", locked: true });
  });
});

describe("the company's location precision, from GET /api/me", () => {
  const meAnswer = (extra: Record<string, unknown>) =>
    vi.fn().mockResolvedValue(
      new Response(JSON.stringify({ employee: { id: "emp_1" }, devices: [], workday: { start: "08:00", end: "17:00", days: [1, 2, 3, 4, 5] }, timezone: "Asia/Shanghai", ...extra }), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      }),
    );
  const adoptFrom = async (fetchImpl: typeof fetch) =>
    adoptCompanySettings(ENROLMENT.serverUrl, await createApi(ENROLMENT.serverUrl, fetchImpl).me("token"));

  it("is the default, 4, until the server has told it", async () => {
    expect(await locationPrecisionFor(ENROLMENT.serverUrl)).toBe(4);
  });

  it("is taken from the answer, with the hours, and kept for that server only", async () => {
    await adoptFrom(meAnswer({ locationPrecision: 2 }));
    expect(await locationPrecisionFor(ENROLMENT.serverUrl)).toBe(2);
    expect(await locationPrecisionFor("https://other.example.com")).toBe(4);
    expect(await prefsItem.getValue()).toMatchObject({ startTime: "08:00", timeZone: "Asia/Shanghai" });
    await adoptFrom(meAnswer({ locationPrecision: 6 }));
    expect(await locationPrecisionFor(ENROLMENT.serverUrl)).toBe(6);
  });

  it.each([["an older server (no field)", {}], ["a value out of range", { locationPrecision: 9 }], ["a fraction", { locationPrecision: 2.5 }]])(
    "%s leaves what is known",
    async (_name, extra) => {
      await adoptFrom(meAnswer({ locationPrecision: 3 }));
      await adoptFrom(meAnswer(extra));
      expect(await locationPrecisionFor(ENROLMENT.serverUrl)).toBe(3);
    },
  );
});
