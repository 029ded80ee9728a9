import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** HSTS wherever the Worker is reached over HTTPS on a real host (never on localhost, which would pin it). */
export const strictTransport: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const url = new URL(c.req.url);
  if (url.protocol === "https:" && !LOCAL_HOSTS.has(url.hostname)) {
    c.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
};

const common = {
  xContentTypeOptions: true,
  referrerPolicy: "same-origin",
  xFrameOptions: "DENY",
  // HSTS is set by `strictTransport`, only where it belongs.
  strictTransportSecurity: false,
  xXssProtection: false,
  xDownloadOptions: false,
  xDnsPrefetchControl: false,
  xPermittedCrossDomainPolicies: false,
} as const;

/**
 * Every API answer (JSON, CSV, errors): no sniffing a type other than the one declared, never
 * framed, and nothing an answer could load. Cross-origin reads stay possible for the extension,
 * which CORS governs.
 */
export const apiHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
});

/**
 * The console: scripts and styles only from its own files (Vite builds no inline script), data
 * only from its own API, never framed.
 */
export const consoleHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    // The map of sites and places draws OpenStreetMap's tiles; nothing else comes from elsewhere.
    imgSrc: ["'self'", "data:", "https://tile.openstreetmap.org"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  crossOriginOpenerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
});
