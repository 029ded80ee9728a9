import { describe, expect, it } from "vitest";
import { bracketPunchTime } from "../../shared/bracket";

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
const MIN = 60_000;
const H = 60 * MIN;
const base = { receivedAt: NOW, offlineWindowHours: 72 };

describe("bracketPunchTime", () => {
  it.each([
    ["fresh nonce, client clock right", { clientTime: NOW - 2000, nonceIssuedAt: NOW - 10_000 }, { mode: "online", effectiveTime: NOW, clockSkew: false }],
    ["fresh nonce, client clock an hour slow", { clientTime: NOW - H, nonceIssuedAt: NOW - 10_000 }, { mode: "online", effectiveTime: NOW, clockSkew: true }],
    ["nonce 4:59 old is still online", { clientTime: NOW, nonceIssuedAt: NOW - 5 * MIN + 1 }, { mode: "online", effectiveTime: NOW }],
    ["nonce exactly 5 min old is offline", { clientTime: NOW - MIN, nonceIssuedAt: NOW - 5 * MIN }, { mode: "offline", effectiveTime: NOW - MIN, clockSkew: false }],
    ["stale nonce, client time inside the bracket", { clientTime: NOW - H, nonceIssuedAt: NOW - 2 * H }, { mode: "offline", effectiveTime: NOW - H, clockSkew: false }],
    ["stale nonce, client time before the nonce", { clientTime: NOW - 3 * H, nonceIssuedAt: NOW - 2 * H }, { mode: "offline", effectiveTime: NOW - 2 * H, clockSkew: true }],
    ["stale nonce, client slightly ahead of the server", { clientTime: NOW + MIN, nonceIssuedAt: NOW - 2 * H }, { mode: "offline", effectiveTime: NOW }],
    ["no nonce, inside the window", { clientTime: NOW - 71 * H, nonceIssuedAt: null }, { mode: "offline", effectiveTime: NOW - 71 * H, clockSkew: false }],
    ["stale nonce older than the window but client time inside", { clientTime: NOW - H, nonceIssuedAt: NOW - 100 * H }, { mode: "offline", effectiveTime: NOW - H }],
  ])("%s", (_name, input, expected) => {
    const result = bracketPunchTime({ ...base, ...input });
    expect(result).toMatchObject({ ok: true, ...expected });
  });

  it.each([
    ["more than 2 min in the future", { clientTime: NOW + 2 * MIN + 1, nonceIssuedAt: NOW - 1000 }, "future"],
    ["no nonce, beyond the window", { clientTime: NOW - 72 * H - 1, nonceIssuedAt: null }, "beyond_offline_window"],
    ["a stale nonce cannot stretch the window", { clientTime: NOW - 80 * H, nonceIssuedAt: NOW - 100 * H }, "beyond_offline_window"],
  ])("refuses %s", (_name, input, reason) => {
    expect(bracketPunchTime({ ...base, ...input })).toEqual({ ok: false, reason });
  });

  it("respects a shorter offline window", () => {
    expect(bracketPunchTime({ receivedAt: NOW, offlineWindowHours: 8, clientTime: NOW - 9 * H, nonceIssuedAt: null })).toEqual({ ok: false, reason: "beyond_offline_window" });
  });

  it("never places a punch outside [not-before, received]", () => {
    for (let i = 0; i < 500; i++) {
      const clientTime = NOW - Math.floor(Math.random() * 100 * H);
      const nonceIssuedAt = Math.random() < 0.3 ? null : NOW - Math.floor(Math.random() * 100 * H);
      const r = bracketPunchTime({ ...base, clientTime, nonceIssuedAt });
      if (!r.ok) continue;
      expect(r.effectiveTime).toBeLessThanOrEqual(NOW);
      expect(r.effectiveTime).toBeGreaterThanOrEqual(r.notBefore);
      expect(r.effectiveTime).toBeGreaterThanOrEqual(NOW - 72 * H);
    }
  });
});
