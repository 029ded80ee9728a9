import { fakeBrowser } from "wxt/testing/fake-browser";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_BATCH_ITEMS } from "../../shared/api";
import { ApiError, NetworkError } from "../../extension/utils/api";
import {
  BACKOFF_CAP_MS,
  backoffDelay,
  dismissAttention,
  drainQueue,
  enqueue,
  requeueAttention,
  retryAllNow,
} from "../../extension/utils/queue";
import {
  attentionItem,
  lastSyncItem,
  punchStateItem,
  queueItem,
  receiptsItem,
  sessionItem,
} from "../../extension/utils/storage";
import { FakeServer, T0, signed } from "./fakes";

beforeEach(() => fakeBrowser.reset());

function deps(server: FakeServer, clock: { now: number }, random = () => 0.5) {
  return { api: { batch: server.batch }, now: () => clock.now, random };
}

async function enqueueMany(n: number, start = T0) {
  const items = Array.from({ length: n }, (_, i) => signed(start + i * 1000, i % 2 === 0 ? "in" : "out"));
  for (const item of items) await enqueue(item, start);
  return items;
}

describe("drainQueue", () => {
  it("sends queued punches, keeps their receipts and marks the device state as sent", async () => {
    const server = new FakeServer();
    const clock = { now: T0 + 60_000 };
    const [first, second] = await enqueueMany(2);
    await punchStateItem.setValue({ kind: "out", since: second!.punch.clientTime, pending: true, punchId: second!.punch.id });

    const result = await drainQueue(deps(server, clock));

    expect(result).toEqual({ sent: 2, waiting: 0, attention: 0, nextAttemptAt: null });
    expect(await queueItem.getValue()).toEqual([]);
    const receipts = await receiptsItem.getValue();
    expect(receipts.map((r) => r.record.id)).toEqual([second!.punch.id, first!.punch.id]); // newest first
    expect(receipts[0]!.receipt.signature).toBe(`sig-${second!.punch.id}`);
    expect(await punchStateItem.getValue()).toMatchObject({ kind: "out", pending: false });
    expect(await lastSyncItem.getValue()).toBe(clock.now);
  });

  it("after a restart mid-send resends, and the server's 200 for the recorded punch counts as success", async () => {
    const server = new FakeServer();
    const clock = { now: T0 };
    const items = await enqueueMany(3);
    // The server records the batch, then the answer is lost.
    server.afterRecord = async () => {
      throw new NetworkError("connection reset");
    };

    const first = await drainQueue(deps(server, clock));
    expect(first.sent).toBe(0);
    expect(server.recorded.size).toBe(3);
    expect((await queueItem.getValue()).map((q) => q.punch.id)).toEqual(items.map((i) => i.punch.id));
    expect(await receiptsItem.getValue()).toEqual([]);

    server.afterRecord = null;
    clock.now = first.nextAttemptAt!;
    const second = await drainQueue(deps(server, clock));

    expect(second).toMatchObject({ sent: 3, waiting: 0 });
    expect(server.recorded.size).toBe(3);
    expect((await receiptsItem.getValue()).map((r) => r.record.id).sort()).toEqual(items.map((i) => i.punch.id).sort());
  });

  it("keeps items when the service worker dies while a batch hangs, and a fresh worker resends them", async () => {
    const server = new FakeServer();
    const items = await enqueueMany(2);
    let dropConnection!: () => void;
    server.afterRecord = () => new Promise((_, reject) => (dropConnection = () => reject(new NetworkError("worker stopped"))));
    const dying = drainQueue(deps(server, { now: T0 })); // its answer never arrives
    await vi.waitFor(() => expect(server.calls).toHaveLength(1));
    expect(await queueItem.getValue()).toHaveLength(2);

    // A new service worker: fresh module state, same extension storage.
    vi.resetModules();
    const fresh = await import("../../extension/utils/queue");
    server.afterRecord = null;
    const result = await fresh.drainQueue(deps(server, { now: T0 + 1000 }));

    expect(result).toMatchObject({ sent: 2, waiting: 0 });
    expect(server.recorded.size).toBe(2);
    expect(await receiptsItem.getValue()).toHaveLength(2);
    expect(server.sendCounts().get(items[0]!.punch.id)).toBe(2);

    // The old worker's request finally fails: it must not bring the sent punches back.
    dropConnection();
    await dying;
    expect(await queueItem.getValue()).toEqual([]);
  });

  it("enqueues the same punch only once, and a duplicate send yields one receipt", async () => {
    const server = new FakeServer();
    const item = signed(T0);
    await enqueue(item, T0);
    await enqueue(item, T0 + 5);
    expect(await queueItem.getValue()).toHaveLength(1);

    server.answer(item); // already recorded by an earlier send the device never heard back from
    const result = await drainQueue(deps(server, { now: T0 }));

    expect(result.sent).toBe(1);
    expect(server.calls).toEqual([[item.punch.id]]);
    expect(await receiptsItem.getValue()).toHaveLength(1);
  });

  it.each([
    [400, "VALIDATION_FAILED"],
    [401, "ASSERTION_INVALID"],
    [403, "CREDENTIAL_REVOKED"],
    [409, "PUNCH_ID_CONFLICT"],
    [422, "CLOCK_OUT_OF_RANGE"],
  ])("moves a punch refused with %i %s to attention without blocking the others", async (status, code) => {
    const server = new FakeServer();
    const [a, poison, c] = await enqueueMany(3);
    server.refuse.set(poison!.punch.id, { status, code, message: `refused: ${code}` });

    const result = await drainQueue(deps(server, { now: T0 + 10 }));

    expect(result).toEqual({ sent: 2, waiting: 0, attention: 1, nextAttemptAt: null });
    expect(await queueItem.getValue()).toEqual([]);
    const attention = await attentionItem.getValue();
    expect(attention).toHaveLength(1);
    expect(attention[0]).toMatchObject({ status, code, message: `refused: ${code}`, at: T0 + 10 });
    expect(attention[0]!.punch).toEqual(poison!.punch);
    expect(attention[0]!.assertion).toEqual(poison!.assertion);
    expect(server.recorded.has(a!.punch.id) && server.recorded.has(c!.punch.id)).toBe(true);
  });

  it("a queued clock-out the server refuses no longer shows as clocked out: the employee is back to 'in'", async () => {
    const server = new FakeServer();
    const punchIn = signed(T0, "in");
    const punchOut = signed(T0 + 3_600_000, "out");
    await punchStateItem.setValue({ kind: "in", since: T0, pending: false, punchId: punchIn.punch.id });
    // The clock-out was queued offline, as submitPunch does.
    const { submitPunch } = await import("../../extension/utils/punch");
    await submitPunch({ api: { punch: () => Promise.reject(new NetworkError("offline")) }, now: () => T0 + 3_600_000 }, punchOut);
    expect(await punchStateItem.getValue()).toMatchObject({ kind: "out", pending: true });

    server.refuse.set(punchOut.punch.id, { status: 422, code: "CLOCK_OUT_OF_RANGE", message: "too old" });
    await drainQueue(deps(server, { now: T0 + 3_600_000 }));

    expect(await punchStateItem.getValue()).toMatchObject({ kind: "in", since: T0, pending: false });
    expect(await attentionItem.getValue()).toHaveLength(1);
  });

  it.each([
    [429, "RATE_LIMITED"],
    [503, "UNAVAILABLE"],
  ])("keeps a punch answered %i with growing backoff until the server takes it", async (status, code) => {
    const server = new FakeServer();
    const [item] = await enqueueMany(1);
    server.refuse.set(item!.punch.id, { status, code, message: "later" });
    const clock = { now: T0 };
    const random = () => 0.999;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await drainQueue(deps(server, clock, random));
      const [stored] = await queueItem.getValue();
      expect(stored).toMatchObject({ attempts: attempt, lastError: code });
      expect(result).toMatchObject({ sent: 0, waiting: 1, nextAttemptAt: stored!.nextAttemptAt });
      delays.push(stored!.nextAttemptAt - clock.now);

      // Not due yet: a drain a moment before sends nothing.
      const calls = server.calls.length;
      clock.now = stored!.nextAttemptAt - 1;
      await drainQueue(deps(server, clock, random));
      expect(server.calls.length).toBe(calls);
      clock.now = stored!.nextAttemptAt;
    }
    // Full jitter with random ≈ 1: close to 5 s, 10 s, 20 s, 40 s, 80 s.
    delays.forEach((d, i) => {
      const ceiling = 5000 * 2 ** i;
      expect(d).toBeLessThanOrEqual(ceiling);
      expect(d).toBeGreaterThan(ceiling * 0.99);
    });

    server.refuse.clear();
    expect(await drainQueue(deps(server, clock, random))).toMatchObject({ sent: 1, waiting: 0 });
  });

  it("keeps everything, with backoff, when the network is down", async () => {
    const clock = { now: T0 };
    const items = await enqueueMany(3);
    const batch = vi.fn().mockRejectedValue(new NetworkError("offline"));

    const result = await drainQueue({ api: { batch }, now: () => clock.now, random: () => 0.5 });

    const queue = await queueItem.getValue();
    expect(queue.map((q) => q.punch.id)).toEqual(items.map((i) => i.punch.id));
    expect(queue.every((q) => q.attempts === 1 && q.lastError === "NETWORK" && q.nextAttemptAt === T0 + 2500)).toBe(true);
    expect(result).toEqual({ sent: 0, waiting: 3, attention: 0, nextAttemptAt: T0 + 2500 });
    expect(await attentionItem.getValue()).toEqual([]);
  });

  it("keeps everything when the batch request itself is refused (a non-2xx for the whole batch)", async () => {
    await enqueueMany(2);
    const batch = vi.fn().mockRejectedValue(new ApiError(400, "VALIDATION_FAILED", "items: too many"));
    const result = await drainQueue({ api: { batch }, now: () => T0, random: () => 0.5 });
    expect(result).toMatchObject({ sent: 0, waiting: 2, attention: 0 });
    expect((await queueItem.getValue())[0]!.lastError).toBe("VALIDATION_FAILED");
  });

  it("sends punches in the order they were made, whatever order they were queued in", async () => {
    const server = new FakeServer();
    const items = Array.from({ length: 8 }, (_, i) => signed(T0 + i * 60_000));
    const shuffled = [items[5], items[2], items[7], items[0], items[6], items[1], items[4], items[3]];
    for (const item of shuffled) await enqueue(item!, T0 + 600_000);

    await drainQueue(deps(server, { now: T0 + 600_000 }));

    expect(server.calls).toEqual([items.map((i) => i.punch.id)]);
  });

  it("drains 500 punches in batches of at most 100", async () => {
    const server = new FakeServer();
    const items = await enqueueMany(500);

    const result = await drainQueue(deps(server, { now: T0 + 600_000 }));

    expect(server.calls.map((c) => c.length)).toEqual([100, 100, 100, 100, 100]);
    expect(server.calls.every((c) => c.length <= MAX_BATCH_ITEMS)).toBe(true);
    expect(result).toMatchObject({ sent: 500, waiting: 0 });
    expect(await queueItem.getValue()).toEqual([]);
    const receipts = await receiptsItem.getValue();
    expect(receipts).toHaveLength(500);
    expect(new Set(receipts.map((r) => r.record.id)).size).toBe(500);
    expect(server.calls.flat()).toEqual(items.map((i) => i.punch.id));
  });

  it("stops at the first failed batch and keeps the rest for later", async () => {
    const server = new FakeServer();
    await enqueueMany(250);
    let n = 0;
    const batch: typeof server.batch = async (items) => {
      if (++n === 2) throw new NetworkError("dropped");
      return server.batch(items);
    };
    const result = await drainQueue({ api: { batch }, now: () => T0 + 600_000, random: () => 0.5 });
    expect(result).toMatchObject({ sent: 100, waiting: 150 });
    expect(server.calls).toHaveLength(1);
  });

  it("sends each punch once when two drains run at the same time", async () => {
    const server = new FakeServer();
    const items = await enqueueMany(30);
    server.afterRecord = () => new Promise((r) => setTimeout(r, 20));

    const results = await Promise.all([drainQueue(deps(server, { now: T0 + 60_000 })), drainQueue(deps(server, { now: T0 + 60_000 }))]);

    expect(results.map((r) => r.sent).sort()).toEqual([0, 30]);
    const counts = server.sendCounts();
    expect(items.every((i) => counts.get(i.punch.id) === 1)).toBe(true);
    expect(await receiptsItem.getValue()).toHaveLength(30);
  });

  it("keeps a punch queued while a batch is in flight", async () => {
    const server = new FakeServer();
    await enqueueMany(2);
    let release!: () => void;
    server.afterRecord = () => new Promise<void>((r) => (release = r));
    const draining = drainQueue(deps(server, { now: T0 + 60_000 }));
    await vi.waitFor(() => expect(server.calls).toHaveLength(1));

    const late = signed(T0 + 30_000, "out");
    await enqueue(late, T0 + 60_000);
    release();
    await draining;

    expect((await queueItem.getValue()).map((q) => q.punch.id)).toEqual([late.punch.id]);
  });

  it("stores the session the batch answer renews", async () => {
    const server = new FakeServer();
    server.session = { token: "renewed", expiresAt: T0 + 86_400_000 };
    await enqueueMany(1);
    await drainQueue(deps(server, { now: T0 }));
    expect(await sessionItem.getValue()).toEqual(server.session);
  });
});

describe("one schedule for the whole queue", () => {
  /** A batch route that fails while `down.now` is true, else the fake server's. */
  function flaky(server: FakeServer, down: { now: boolean }): typeof server.batch {
    return async (items) => {
      if (down.now) throw new NetworkError("server down");
      return server.batch(items);
    };
  }
  /** Draws that differ from call to call, as Math.random's do. */
  const draws = (...values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length]!;
  };

  it("after a failed send, no later send carries a newer punch without every older one before it", async () => {
    const server = new FakeServer();
    const down = { now: true };
    const items = await enqueueMany(3);
    const clock = { now: T0 };
    const random = draws(0.9, 0.1, 0.5, 0.3);
    const drain = () => drainQueue({ api: { batch: flaky(server, down) }, now: () => clock.now, random });

    // The server is down for a minute, and the queue is tried every half second meanwhile.
    for (; clock.now < T0 + 60_000; clock.now += 500) expect((await drain()).sent).toBe(0);
    // It comes back; the queue is tried every half second until it is empty.
    down.now = false;
    for (let i = 0; i < 2000 && (await queueItem.getValue()).length > 0; i++) {
      await drain();
      clock.now += 500;
    }

    expect(await queueItem.getValue()).toEqual([]);
    expect(server.calls).toEqual([items.map((i) => i.punch.id)]);
  });

  it("a failed send gives every waiting punch the same next attempt, one more than the queue's failures so far", async () => {
    const [a, b] = await enqueueMany(2);
    // An install from before one schedule: the older punch had failed three times, the newer once.
    await queueItem.setValue((await queueItem.getValue()).map((q) => (q.punch.id === a!.punch.id ? { ...q, attempts: 3 } : { ...q, attempts: 1 })));
    const batch = vi.fn().mockRejectedValue(new NetworkError("offline"));

    const result = await drainQueue({ api: { batch }, now: () => T0, random: draws(0.9, 0.1) });

    expect(batch).toHaveBeenCalledTimes(1);
    const queue = await queueItem.getValue();
    expect(queue.map((q) => q.punch.id)).toEqual([a!.punch.id, b!.punch.id]);
    // attempts 4: a delay drawn once below 5 s · 2^3.
    expect(queue.map((q) => [q.attempts, q.nextAttemptAt, q.lastError])).toEqual([
      [4, T0 + 36_000, "NETWORK"],
      [4, T0 + 36_000, "NETWORK"],
    ]);
    expect(result.nextAttemptAt).toBe(T0 + 36_000);
  });

  it("the send after a failure carries every waiting punch, oldest first", async () => {
    const server = new FakeServer();
    const down = { now: true };
    const items = Array.from({ length: 4 }, (_, i) => signed(T0 + i * 60_000));
    for (const item of [items[2], items[0], items[3], items[1]]) await enqueue(item!, T0 + 600_000);
    const clock = { now: T0 + 600_000 };
    const deps = { api: { batch: flaky(server, down) }, now: () => clock.now, random: draws(0.2, 0.9, 0.6, 0.4) };

    const failed = await drainQueue(deps);
    down.now = false;
    clock.now = failed.nextAttemptAt!;
    const result = await drainQueue(deps);

    expect(result).toMatchObject({ sent: 4, waiting: 0, nextAttemptAt: null });
    expect(server.calls).toEqual([items.map((i) => i.punch.id)]);
  });

  it("a punch queued while the others back off sends all of them at once, oldest first", async () => {
    const server = new FakeServer();
    const down = { now: true };
    const [a, b] = await enqueueMany(2);
    const clock = { now: T0 + 10_000 };
    const deps = { api: { batch: flaky(server, down) }, now: () => clock.now, random: draws(0.9, 0.8) };
    const failed = await drainQueue(deps);
    expect(failed.nextAttemptAt).toBeGreaterThan(clock.now + 1_000);

    // The server is back, and the employee punches before the queue's next attempt.
    down.now = false;
    clock.now += 1_000;
    const c = signed(clock.now, "in");
    await enqueue(c, clock.now);
    const result = await drainQueue(deps);

    expect(result).toMatchObject({ sent: 3, waiting: 0 });
    expect(server.calls).toEqual([[a!.punch.id, b!.punch.id, c.punch.id]]);
  });

  it("an install upgraded mid-backoff (one schedule per punch) sends them all when the first is due", async () => {
    const server = new FakeServer();
    const items = await enqueueMany(3);
    const due = [T0 + 40_000, T0 + 5_000, T0 + 20_000];
    await queueItem.setValue((await queueItem.getValue()).map((q, i) => ({ ...q, attempts: 3 - i, nextAttemptAt: due[i]!, lastError: "NETWORK" })));

    expect(await drainQueue(deps(server, { now: T0 + 4_999 }))).toMatchObject({ sent: 0, waiting: 3, nextAttemptAt: T0 + 5_000 });
    expect(await drainQueue(deps(server, { now: T0 + 5_000 }))).toMatchObject({ sent: 3, waiting: 0 });
    expect(server.calls).toEqual([items.map((i) => i.punch.id)]);
  });

  it("a punch to retry (503) stops the send: no later batch overtakes it, and it leads the next one", async () => {
    const server = new FakeServer();
    const items = await enqueueMany(150);
    const stuck = items[42]!;
    server.refuse.set(stuck.punch.id, { status: 503, code: "UNAVAILABLE", message: "later" });
    const clock = { now: T0 + 600_000 };

    const first = await drainQueue(deps(server, clock));

    expect(server.calls).toHaveLength(1);
    expect(first).toMatchObject({ sent: 99, waiting: 51 });
    const queue = await queueItem.getValue();
    expect(queue[0]).toMatchObject({ punch: stuck.punch, attempts: 1, lastError: "UNAVAILABLE" });
    expect(new Set(queue.map((q) => q.nextAttemptAt))).toEqual(new Set([first.nextAttemptAt]));

    server.refuse.clear();
    clock.now = first.nextAttemptAt!;
    expect(await drainQueue(deps(server, clock))).toMatchObject({ sent: 51, waiting: 0 });
    expect(server.calls[1]).toEqual([stuck.punch.id, ...items.slice(100).map((i) => i.punch.id)]);
  });

  it("a refused punch (4xx) does not stop the send: the others go, the refused one waits for the employee", async () => {
    const server = new FakeServer();
    const items = await enqueueMany(150);
    const refused = items[10]!;
    server.refuse.set(refused.punch.id, { status: 401, code: "ASSERTION_INVALID", message: "counter" });

    const result = await drainQueue(deps(server, { now: T0 + 600_000 }));

    expect(result).toMatchObject({ sent: 149, waiting: 0, attention: 1 });
    expect(server.calls.map((c) => c.length)).toEqual([100, 50]);
    expect((await attentionItem.getValue()).map((a) => a.punch.id)).toEqual([refused.punch.id]);
  });
});

describe("backoffDelay", () => {
  it("doubles from 5 s with full jitter below the ceiling", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, () => 0.999999))).toEqual([4999, 9999, 19999, 39999]);
    expect(backoffDelay(3, () => 0.5)).toBe(10_000);
    for (let n = 1; n <= 12; n++) {
      for (const r of [0, 0.1, 0.37, 0.5, 0.99]) {
        const d = backoffDelay(n, () => r);
        expect(d).toBeGreaterThanOrEqual(1000);
        expect(d).toBeLessThanOrEqual(Math.min(BACKOFF_CAP_MS, 5000 * 2 ** (n - 1)));
      }
    }
  });

  it("never waits more than 15 minutes, however many attempts failed", () => {
    expect(BACKOFF_CAP_MS).toBe(15 * 60_000);
    for (const n of [9, 10, 50, 1000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(n, () => 0.999999)).toBeLessThanOrEqual(15 * 60_000);
      expect(backoffDelay(n, () => 0.999999)).toBeGreaterThan(14.9 * 60_000);
    }
  });

  it("never retries at once, even when the jitter draws zero", () => {
    expect(backoffDelay(1, () => 0)).toBe(1000);
    expect(backoffDelay(0, () => 0.5)).toBe(2500);
  });
});

describe("retry and attention", () => {
  it("'Retry now' makes backed-off punches due at once", async () => {
    const batch = vi.fn().mockRejectedValue(new NetworkError("offline"));
    await enqueueMany(2);
    await drainQueue({ api: { batch }, now: () => T0, random: () => 0.9 });

    const server = new FakeServer();
    expect(await drainQueue(deps(server, { now: T0 + 1 }))).toMatchObject({ sent: 0, waiting: 2 });
    await retryAllNow();
    expect(await drainQueue(deps(server, { now: T0 + 1 }))).toMatchObject({ sent: 2, waiting: 0 });
  });

  it("a refused punch can be dismissed, or sent again", async () => {
    const server = new FakeServer();
    const [a, b] = await enqueueMany(2);
    server.refuse.set(a!.punch.id, { status: 403, code: "CREDENTIAL_UNKNOWN", message: "x" });
    server.refuse.set(b!.punch.id, { status: 403, code: "CREDENTIAL_UNKNOWN", message: "x" });
    await drainQueue(deps(server, { now: T0 }));
    expect(await attentionItem.getValue()).toHaveLength(2);

    await dismissAttention(a!.punch.id);
    expect((await attentionItem.getValue()).map((x) => x.punch.id)).toEqual([b!.punch.id]);

    server.refuse.clear();
    await requeueAttention(b!.punch.id, T0 + 5);
    expect(await attentionItem.getValue()).toEqual([]);
    expect(await queueItem.getValue()).toMatchObject([{ punch: b!.punch, attempts: 0, nextAttemptAt: T0 + 5 }]);
    expect(await drainQueue(deps(server, { now: T0 + 5 }))).toMatchObject({ sent: 1, waiting: 0, attention: 0 });
  });
});
