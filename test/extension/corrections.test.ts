import { fakeBrowser } from "wxt/testing/fake-browser";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Correction } from "../../shared/api";
import { NetworkError } from "../../extension/utils/api";
import {
  cancelCorrection,
  drainCorrections,
  enqueueCorrection,
  FILED_SKEW_MS,
  fileCorrectionNow,
  isSameRequest,
  markDecisionsSeen,
  newlyDecided,
  recordCorrections,
  refreshCorrections,
} from "../../extension/utils/corrections";
import { OFFLINE_EVIDENCE_BYTES, type EvidenceFile } from "../../extension/utils/evidence";
import {
  correctionFilesItem,
  correctionOutboxItem,
  correctionsItem,
  sessionItem,
  unseenDecisionsItem,
  type CorrectionFields,
} from "../../extension/utils/storage";
import { ENROLMENT, FILE_HEADS, FakeCorrectionServer, T0 } from "./fakes";

const SCOPE = { serverUrl: ENROLMENT.serverUrl, employeeId: ENROLMENT.employeeId };
// Monday 2025-03-10 09:00 in New York: the clock-in missed that morning.
const FIELDS: CorrectionFields = { date: "2025-03-10", kind: "in", time: T0, reason: "Laptop would not start" };

let server: FakeCorrectionServer;
let clock: { now: number };
let keys: number;

function deps() {
  return { api: server, scope: SCOPE, now: () => clock.now, newKey: () => `key-${++keys}` };
}

function evidence(name: string, size: number, head: readonly number[] = FILE_HEADS.png): EvidenceFile {
  const bytes = new Uint8Array(size);
  bytes.set(head.slice(0, size));
  return { name, type: "image/png", size, bytes };
}

beforeEach(async () => {
  fakeBrowser.reset();
  server = new FakeCorrectionServer();
  clock = { now: T0 + 3 * 3_600_000 };
  server.now = () => clock.now;
  keys = 0;
  await sessionItem.setValue({ token: "tok", expiresAt: clock.now + 12 * 3_600_000 });
});

describe("a request made without a connection", () => {
  it("waits on this device with its files, then is filed exactly once when the server answers", async () => {
    server.down = true;
    const photo = evidence("screen.png", 2048);

    const outcome = await fileCorrectionNow(deps(), { fields: FIELDS, files: [photo] });

    expect(outcome).toEqual({ outcome: "queued", reason: "offline" });
    const [waiting] = await correctionOutboxItem.getValue();
    expect(waiting).toMatchObject({ key: "key-1", employeeId: "emp_1", fields: FIELDS, files: [{ name: "screen.png", type: "image/png", size: 2048 }], refused: null });
    expect((await correctionFilesItem.getValue())["key-1"]).toHaveLength(1);
    expect(server.items).toEqual([]);

    // Still no network: it stays, and nothing is filed.
    expect(await drainCorrections(deps())).toMatchObject({ filed: 0, waiting: 1 });

    server.down = false;
    const result = await drainCorrections(deps());

    expect(result).toMatchObject({ filed: 1, waiting: 0, refused: 0 });
    expect(server.items).toHaveLength(1);
    expect(server.items[0]).toMatchObject({ date: "2025-03-10", kind: "in", time: T0, reason: "Laptop would not start", evidence: [{ name: "screen.png", size: 2048 }] });
    // The very bytes that were picked went up.
    expect([...server.posts.at(-1)!.files[0]!.bytes]).toEqual([...photo.bytes]);
    expect(await correctionOutboxItem.getValue()).toEqual([]);
    expect(await correctionFilesItem.getValue()).toEqual({});
    expect((await correctionsItem.getValue())?.items.map((c) => c.id)).toEqual([server.items[0]!.id]);

    // Later drains have nothing more to send.
    await drainCorrections(deps());
    expect(server.items).toHaveLength(1);
  });

  it("without a live session waits for one (a punch brings it), sending nothing meanwhile", async () => {
    await sessionItem.setValue(null);
    expect(await fileCorrectionNow(deps(), { fields: FIELDS, files: [] })).toEqual({ outcome: "queued", reason: "signIn" });
    await drainCorrections(deps());
    expect(server.posts).toEqual([]);

    await sessionItem.setValue({ token: "fresh", expiresAt: clock.now + 3_600_000 });
    expect(await drainCorrections(deps())).toMatchObject({ filed: 1, waiting: 0 });
    expect(server.posts.map((p) => p.token)).toEqual(["fresh"]);
  });

  it("a session the server no longer takes is forgotten, and the request waits for the next one", async () => {
    server.refuse = { status: 401, code: "UNAUTHENTICATED", message: "Sign in again." };
    expect(await fileCorrectionNow(deps(), { fields: FIELDS, files: [] })).toEqual({ outcome: "queued", reason: "signIn" });
    expect(await sessionItem.getValue()).toBeNull();
    expect(await correctionOutboxItem.getValue()).toHaveLength(1);
  });
});

describe("never filed twice", () => {
  it("the answer is lost after the server stored it: the next attempt finds it there and does not post again", async () => {
    await enqueueCorrection({ key: "k", employeeId: "emp_1", fields: FIELDS, files: [evidence("a.png", 100)] }, clock.now);
    server.afterRecord = async () => {
      throw new NetworkError("connection reset");
    };
    expect(await drainCorrections(deps())).toMatchObject({ filed: 0, waiting: 1 });
    expect(server.items).toHaveLength(1);
    expect((await correctionOutboxItem.getValue())[0]!.sentAt).toBe(clock.now);

    server.afterRecord = null;
    clock.now += 60_000;
    expect(await drainCorrections(deps())).toMatchObject({ filed: 1, waiting: 0 });
    expect(server.posts).toHaveLength(1);
    expect(server.items).toHaveLength(1);
    expect((await correctionsItem.getValue())?.items.map((c) => c.id)).toEqual([server.items[0]!.id]);
  });

  it("even when the manager decided it before the device tried again", async () => {
    await enqueueCorrection({ key: "k", employeeId: "emp_1", fields: FIELDS, files: [] }, clock.now);
    server.afterRecord = async () => {
      throw new NetworkError("connection reset");
    };
    await drainCorrections(deps());
    server.afterRecord = null;
    server.decide(server.items[0]!.id, true, "ok");

    clock.now += 3_600_000;
    await drainCorrections(deps());

    expect(server.posts).toHaveLength(1);
    expect(server.items).toHaveLength(1);
    expect(await correctionOutboxItem.getValue()).toEqual([]);
  });

  it("with the device's clock far ahead, the resend meets the pending one (409) and takes it as its own", async () => {
    await enqueueCorrection({ key: "k", employeeId: "emp_1", fields: FIELDS, files: [] }, clock.now);
    server.now = () => clock.now - 2 * FILED_SKEW_MS; // the server's clock is 20 minutes behind
    server.afterRecord = async () => {
      throw new NetworkError("connection reset");
    };
    await drainCorrections(deps());
    server.afterRecord = null;

    const result = await drainCorrections(deps());

    expect(result).toMatchObject({ filed: 1, waiting: 0, refused: 0 });
    expect(server.posts).toHaveLength(2);
    expect(server.items).toHaveLength(1);
  });

  it("an identical request decided long before is not taken for this one", async () => {
    // Filed last week, rejected; the employee asks again with the same words.
    server.now = () => clock.now - 7 * 86_400_000;
    await server.fileCorrection("tok", FIELDS);
    server.decide(server.items[0]!.id, false, "Attach a photo");
    server.now = () => clock.now;
    await enqueueCorrection({ key: "k", employeeId: "emp_1", fields: FIELDS, files: [] }, clock.now);
    server.afterRecord = async () => {
      throw new NetworkError("connection reset");
    };
    await drainCorrections(deps()); // stored, answer lost
    server.afterRecord = null;
    server.items.pop(); // ... or it never arrived: only the old one is there
    await drainCorrections(deps());

    expect(server.items.map((c) => c.status)).toEqual(["rejected", "pending"]);
  });

  it("the worker dies while the upload hangs: a fresh one finds the request filed, and the late failure brings nothing back", async () => {
    await enqueueCorrection({ key: "k", employeeId: "emp_1", fields: FIELDS, files: [evidence("a.png", 100)] }, clock.now);
    let dropConnection!: () => void;
    server.afterRecord = () => new Promise((_, reject) => (dropConnection = () => reject(new NetworkError("worker stopped"))));
    const dying = drainCorrections(deps());
    await vi.waitFor(() => expect(server.items).toHaveLength(1));

    // A new service worker: fresh module state (locks included), same extension storage.
    vi.resetModules();
    const fresh = await import("../../extension/utils/corrections");
    server.afterRecord = null;
    expect(await fresh.drainCorrections(deps())).toMatchObject({ filed: 1, waiting: 0 });
    expect(server.posts).toHaveLength(1);

    dropConnection();
    await dying;
    expect(await correctionOutboxItem.getValue()).toEqual([]);
    expect(server.items).toHaveLength(1);
  });

  it("a crash after marking it sent but before the request left: it is looked for, not found, and sent", async () => {
    await enqueueCorrection({ key: "k", employeeId: "emp_1", fields: FIELDS, files: [] }, clock.now);
    await correctionOutboxItem.setValue((await correctionOutboxItem.getValue()).map((item) => ({ ...item, sentAt: clock.now, attempts: 1 })));
    expect(await drainCorrections(deps())).toMatchObject({ filed: 1 });
    expect(server.items).toHaveLength(1);
  });
});

describe("refusals", () => {
  it("a waiting request the server refuses stays, without its files, for the employee to read; it is not sent again", async () => {
    server.down = true;
    await fileCorrectionNow(deps(), { fields: FIELDS, files: [evidence("a.png", 100)] });
    server.down = false;
    server.refuse = { status: 422, code: "CORRECTION_OUT_OF_WINDOW", message: "Too old.", details: { windowDays: 30 } };

    expect(await drainCorrections(deps())).toMatchObject({ filed: 0, waiting: 0, refused: 1 });
    const [item] = await correctionOutboxItem.getValue();
    expect(item!.refused).toMatchObject({ status: 422, code: "CORRECTION_OUT_OF_WINDOW", details: { windowDays: 30 }, at: clock.now });
    expect(await correctionFilesItem.getValue()).toEqual({});

    await drainCorrections(deps());
    expect(server.posts).toHaveLength(1);
  });

  it("one refused request does not hold back the next", async () => {
    server.down = true;
    await fileCorrectionNow(deps(), { fields: FIELDS, files: [] });
    await fileCorrectionNow(deps(), { fields: { ...FIELDS, kind: "out", time: T0 + 8 * 3_600_000 }, files: [] });
    server.down = false;
    // The morning's clock-in is already asked for, in other words, from another device.
    await server.fileCorrection("tok", { ...FIELDS, reason: "Asked from my phone" });
    server.posts = [];

    const result = await drainCorrections(deps());

    expect(result).toMatchObject({ filed: 1, refused: 1 });
    expect(server.posts.map((p) => p.fields.kind)).toEqual(["in", "out"]);
  });

  it.each([
    [400, "VALIDATION_FAILED"],
    [409, "CORRECTION_DUPLICATE"],
    [413, "PAYLOAD_TOO_LARGE"],
    [415, "EVIDENCE_TYPE_NOT_ALLOWED"],
    [422, "CORRECTION_OUT_OF_WINDOW"],
    [429, "CORRECTION_LIMIT_REACHED"],
    [429, "RATE_LIMITED"],
  ])("a request made in the form and refused with %i %s comes back to the form, leaving nothing on the device", async (status, code) => {
    server.refuse = { status, code, message: `refused: ${code}` };
    const outcome = await fileCorrectionNow(deps(), { fields: FIELDS, files: [evidence("a.png", 100)] });
    expect(outcome).toEqual({ outcome: "refused", status, code, message: `refused: ${code}` });
    expect(await correctionOutboxItem.getValue()).toEqual([]);
    expect(await correctionFilesItem.getValue()).toEqual({});
  });

  it("a 5xx is no refusal: the request waits and goes later", async () => {
    server.refuse = { status: 503, code: "HTTP_503", message: "Unavailable" };
    expect(await fileCorrectionNow(deps(), { fields: FIELDS, files: [] })).toEqual({ outcome: "queued", reason: "offline" });
    server.refuse = null;
    expect(await drainCorrections(deps())).toMatchObject({ filed: 1 });
    expect(server.items).toHaveLength(1);
  });
});

describe("files kept for waiting requests", () => {
  it("files too large to keep go straight to the server while it answers", async () => {
    const big = evidence("scan.png", OFFLINE_EVIDENCE_BYTES + 1);
    const outcome = await fileCorrectionNow(deps(), { fields: FIELDS, files: [big] });
    expect(outcome).toMatchObject({ outcome: "filed" });
    expect(server.items[0]!.evidence[0]!.size).toBe(OFFLINE_EVIDENCE_BYTES + 1);
    expect(await correctionFilesItem.getValue()).toEqual({});
  });

  it("and are refused, with nothing stored, when it does not", async () => {
    server.down = true;
    const outcome = await fileCorrectionNow(deps(), { fields: FIELDS, files: [evidence("scan.png", OFFLINE_EVIDENCE_BYTES + 1)] });
    expect(outcome).toEqual({ outcome: "notKept", reason: "offline" });
    expect(await correctionOutboxItem.getValue()).toEqual([]);
    expect(await correctionFilesItem.getValue()).toEqual({});
  });

  it("the bound is on all waiting requests together", async () => {
    const half = OFFLINE_EVIDENCE_BYTES / 2;
    expect(await enqueueCorrection({ key: "a", employeeId: "emp_1", fields: FIELDS, files: [evidence("a.png", half)] }, clock.now)).toBe(true);
    expect(await enqueueCorrection({ key: "b", employeeId: "emp_1", fields: FIELDS, files: [evidence("b.png", half)] }, clock.now)).toBe(true);
    expect(await enqueueCorrection({ key: "c", employeeId: "emp_1", fields: FIELDS, files: [evidence("c.png", 1)] }, clock.now)).toBe(false);
    expect((await correctionOutboxItem.getValue()).map((i) => i.key)).toEqual(["a", "b"]);
  });
});

const correction = (id: string, status: Correction["status"], extra: Partial<Correction> = {}): Correction => ({
  id,
  employeeId: "emp_1",
  date: "2025-03-10",
  kind: "in",
  time: T0,
  reason: "Forgot",
  status,
  evidence: [],
  createdAt: T0,
  ...extra,
});

describe("decisions", () => {
  it.each([
    ["the first list ever read is the baseline", null, [correction("a", "approved")], []],
    ["pending then, approved now", { items: [correction("a", "pending")], complete: true }, [correction("a", "approved")], ["a"]],
    ["pending then, rejected now", { items: [correction("a", "pending")], complete: true }, [correction("a", "rejected")], ["a"]],
    ["still pending", { items: [correction("a", "pending")], complete: true }, [correction("a", "pending")], []],
    ["cancelled by the employee", { items: [correction("a", "pending")], complete: true }, [correction("a", "cancelled")], []],
    ["decided before, told before", { items: [correction("a", "approved")], complete: true }, [correction("a", "approved")], []],
    ["filed elsewhere and decided between two reads", { items: [], complete: true }, [correction("b", "approved")], ["b"]],
    ["unknown while only requests filed here were known", { items: [correction("a", "pending")], complete: false }, [correction("a", "pending"), correction("b", "approved")], []],
  ] as const)("%s", (_name, previous, fresh, expected) => {
    expect(newlyDecided(previous as never, fresh as never).map((c) => c.id)).toEqual(expected);
  });

  it("a decision waits for the popup until it has shown it, and is told once", async () => {
    await recordCorrections(SCOPE, [correction("a", "pending")], clock.now);
    expect(await unseenDecisionsItem.getValue()).toEqual([]);

    const news = await recordCorrections(SCOPE, [correction("a", "approved", { comment: "Fine" })], clock.now);
    expect(news.map((c) => c.id)).toEqual(["a"]);
    expect(await unseenDecisionsItem.getValue()).toEqual(["a"]);
    // The same list again is no news.
    expect(await recordCorrections(SCOPE, [correction("a", "approved")], clock.now)).toEqual([]);

    await markDecisionsSeen(["a"]);
    expect(await unseenDecisionsItem.getValue()).toEqual([]);
  });

  it("a request filed from this device and decided before any full read is still news", async () => {
    server.down = false;
    const outcome = await fileCorrectionNow(deps(), { fields: FIELDS, files: [] });
    expect(outcome.outcome).toBe("filed");
    expect(await correctionsItem.getValue()).toMatchObject({ complete: false });
    server.decide(server.items[0]!.id, true);

    expect((await refreshCorrections(deps()))?.map((c) => c.status)).toEqual(["approved"]);
  });

  it("another enrolment's list is no baseline for this one", async () => {
    await recordCorrections({ ...SCOPE, employeeId: "emp_2" }, [correction("a", "pending")], clock.now);
    expect(await recordCorrections(SCOPE, [correction("a", "approved")], clock.now)).toEqual([]);
  });

  it("refresh without a connection changes nothing and says so", async () => {
    await recordCorrections(SCOPE, [correction("a", "pending")], clock.now);
    server.down = true;
    expect(await refreshCorrections(deps())).toBeNull();
    expect((await correctionsItem.getValue())?.items.map((c) => c.status)).toEqual(["pending"]);
  });
});

describe("cancelling", () => {
  it("a pending request: cancelled on the server and in the list at once", async () => {
    const filed = await server.fileCorrection("tok", FIELDS);
    await refreshCorrections(deps());
    expect(await cancelCorrection(deps(), filed.id)).toEqual({ ok: true });
    expect(server.items[0]!.status).toBe("cancelled");
    expect((await correctionsItem.getValue())?.items[0]!.status).toBe("cancelled");
  });

  it("one decided meanwhile: refused, and the list shows the decision", async () => {
    const filed = await server.fileCorrection("tok", FIELDS);
    await refreshCorrections(deps());
    server.decide(filed.id, true);
    expect(await cancelCorrection(deps(), filed.id)).toMatchObject({ ok: false, code: "CORRECTION_ALREADY_DECIDED" });
    expect((await correctionsItem.getValue())?.items[0]!.status).toBe("approved");
  });
});

describe("isSameRequest", () => {
  const item = { fields: FIELDS, files: [{ name: "a.png", type: "image/png" as const, size: 10 }] };
  const base = correction("x", "pending", { reason: FIELDS.reason, evidence: [{ id: "e", name: "a.png", type: "image/png", size: 10 }] });
  it.each([
    ["the same", item, base, true],
    ["the reason as the server trimmed it", { ...item, fields: { ...FIELDS, reason: `  ${FIELDS.reason} ` } }, base, true],
    ["another time", item, { ...base, time: T0 + 60_000 }, false],
    ["another kind", item, { ...base, kind: "out" as const }, false],
    ["another date", item, { ...base, date: "2025-03-11" }, false],
    ["another reason", item, { ...base, reason: "Something else" }, false],
    ["other files", item, { ...base, evidence: [] }, false],
  ])("%s", (_name, mine, candidate, same) => {
    expect(isSameRequest(mine, candidate)).toBe(same);
  });
});
