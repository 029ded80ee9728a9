import type { Context } from "hono";
import type { AppEnv } from "../env";

/** The caller's IP as Cloudflare saw it (`wrangler dev` passes the header through). */
export function clientIp(c: Context<AppEnv>): string | null {
  return c.req.header("CF-Connecting-IP") ?? null;
}

export interface IpGeo {
  country: string | null;
  region: string | null;
  city: string | null;
  asn: number | null;
  colo: string | null;
  /** Cloudflare's (city-level) position of the IP. */
  ipLat: number | null;
  ipLon: number | null;
}

const NO_GEO: IpGeo = { country: null, region: null, city: null, asn: null, colo: null, ipLat: null, ipLon: null };

/**
 * Where the request's IP is, from `request.cf` when IP_GEO_SOURCE is
 * "cloudflare". Locally `wrangler dev` fills `cf` with a fixed placeholder, so
 * local development sets IP_GEO_SOURCE=none rather than record a fiction.
 */
export function ipGeo(c: Context<AppEnv>): IpGeo {
  if (c.env.IP_GEO_SOURCE !== "cloudflare") return NO_GEO;
  const cf = (c.req.raw as Request & { cf?: Record<string, unknown> }).cf;
  if (!cf) return NO_GEO;
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
  // `cf.latitude` / `cf.longitude` are decimal strings.
  const degrees = (v: unknown, limit: number) => {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : typeof v === "number" ? v : Number.NaN;
    return Number.isFinite(n) && Math.abs(n) <= limit ? n : null;
  };
  const ipLat = degrees(cf.latitude, 90);
  const ipLon = degrees(cf.longitude, 180);
  const located = ipLat !== null && ipLon !== null;
  return {
    country: text(cf.country),
    region: text(cf.region),
    city: text(cf.city),
    asn: typeof cf.asn === "number" ? cf.asn : null,
    colo: text(cf.colo),
    ipLat: located ? ipLat : null,
    ipLon: located ? ipLon : null,
  };
}

export function extensionOrigins(env: Env): string[] {
  return env.EXTENSION_ORIGINS.split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
}
