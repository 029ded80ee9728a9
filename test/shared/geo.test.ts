import { describe, expect, it } from "vitest";
import { haversineMeters } from "../../shared/geo";

const SHANGHAI = { lat: 31.2304, lon: 121.4737 };
const BEIJING = { lat: 39.9042, lon: 116.4074 };

describe("haversineMeters", () => {
  it.each([
    ["Shanghai to Beijing", SHANGHAI, BEIJING, 1_067_000],
    ["London to Paris", { lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }, 343_500],
    ["one degree of longitude on the equator", { lat: 0, lon: 0 }, { lat: 0, lon: 1 }, 111_195],
    ["across the antimeridian", { lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 }, 111_195],
    ["antipodes", { lat: 10, lon: 20 }, { lat: -10, lon: -160 }, 20_015_087],
    ["pole to pole", { lat: 90, lon: 0 }, { lat: -90, lon: 0 }, 20_015_087],
  ])("%s ≈ %i m (within 1%)", (_name, a, b, metres) => {
    expect(Math.abs(haversineMeters(a, b) - metres) / metres).toBeLessThan(0.01);
  });

  it("is zero for the same point and symmetric", () => {
    expect(haversineMeters(SHANGHAI, SHANGHAI)).toBe(0);
    expect(haversineMeters(SHANGHAI, BEIJING)).toBe(haversineMeters(BEIJING, SHANGHAI));
  });

  it("stays a number at the antipodes, where rounding could push the haversine past 1", () => {
    expect(haversineMeters({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6_371_008.8, 3);
  });
});
