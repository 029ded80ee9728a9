import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { countRoundTrips, createDb } from "./db/client";
import type { AppEnv } from "./env";
import { ApiError, errorBody, renderError } from "./errors";
import { buildOpenApi } from "./openapi";
import { deviceRoutes } from "./routes/admin/devices";
import { employeeRoutes } from "./routes/admin/employees";
import { holidayRoutes } from "./routes/admin/holidays";
import { networkRoutes } from "./routes/admin/networks";
import { adminPunchRoutes } from "./routes/admin/punches";
import { reportRoutes, todayRoutes } from "./routes/admin/reports";
import { scheduleRoutes } from "./routes/admin/schedules";
import { settingsRoutes } from "./routes/admin/settings";
import { siteRoutes } from "./routes/admin/sites";
import { consoleRoutes } from "./routes/console";
import { enrollRoutes } from "./routes/enroll";
import { meRoutes } from "./routes/me";
import { publicRoutes, VERSION } from "./routes/public";
import { punchRoutes } from "./routes/punches";
import { apiHeaders, consoleHeaders, strictTransport } from "./services/headers";
import { describeMaintenance, runMaintenance } from "./services/maintenance";
import { maintenanceRoutes } from "./routes/admin/maintenance";
import { adminCorrectionRoutes } from "./routes/admin/corrections";
import { apiKeyRoutes } from "./routes/admin/api-keys";
import { auditRoutes } from "./routes/admin/audit";
import { archiveRoutes } from "./routes/admin/archive";
import { extensionOrigins } from "./services/request";
import { requireConsole } from "./services/sessions";

const MAX_BODY_BYTES = 1024 * 1024;
const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  },
});

const admin = new Hono<AppEnv>()
  .use(requireConsole())
  .route("/employees", employeeRoutes)
  .route("/devices", deviceRoutes)
  .route("/punches", adminPunchRoutes)
  .route("/sites", siteRoutes)
  .route("/networks", networkRoutes)
  .route("/schedules", scheduleRoutes)
  .route("/holidays", holidayRoutes)
  .route("/settings", settingsRoutes)
  .route("/reports", reportRoutes)
  .route("/maintenance", maintenanceRoutes)
  .route("/corrections", adminCorrectionRoutes)
  .route("/today", todayRoutes)
  .route("/api-keys", apiKeyRoutes)
  .route("/audit", auditRoutes)
  .route("/archive", archiveRoutes);

const api = new Hono<AppEnv>()
  .use(apiHeaders)
  .use(async (c, next) => {
    const { d1, stats } = countRoundTrips(c.env.DB);
    c.set("db", createDb(d1));
    await next();
    // For tests and the bench only: what each request cost in D1 is nobody else's business.
    if (c.env.SERVER_TIMING === "on") {
      c.header("Server-Timing", `d1;dur=${stats.ms};desc="${stats.roundTrips} round trips"`, { append: true });
      c.header("Server-Timing", `d1-rows;desc="read=${stats.rowsRead} written=${stats.rowsWritten}"`, { append: true });
    }
  })
  .use((c, next) =>
    // Evidence uploads have their own limit, from the company's policy, once the caller is signed in.
    c.req.method === "POST" && c.req.path === "/api/me/corrections" ? next() : limitBody(c, next),
  )
  // The extension calls from its own origin; the console is same-origin and needs no CORS.
  .use(
    "/*",
    cors({
      origin: (origin, c) => (extensionOrigins(c.env).includes(origin) ? origin : null),
      allowHeaders: ["Content-Type", "Authorization"],
      allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
      maxAge: 600,
    }),
  )
  .route("/", publicRoutes)
  .route("/enroll", enrollRoutes)
  .route("/", punchRoutes)
  .route("/me", meRoutes)
  .route("/console", consoleRoutes)
  .route("/admin", admin);

/**
 * The console's files, through the Worker so that they carry the security headers. A deep link
 * (/admin/employees/…) that is no file gets the app's index.html, whose router takes it from there.
 */
const consoleApp = new Hono<AppEnv>().use(consoleHeaders).get("/*", async (c) => {
  let res = await c.env.ASSETS.fetch(c.req.raw);
  if (res.status === 404 && !/\.[a-z0-9]+$/i.test(new URL(c.req.url).pathname)) {
    res = await c.env.ASSETS.fetch(new URL("/admin/", c.req.url));
  }
  return new Response(res.body, res);
});

export const app = new Hono<AppEnv>()
  .use(strictTransport)
  .route("/api", api)
  .get("/api/openapi.json", apiHeaders, (c) => c.json(openApiDocument()))
  .route("/admin", consoleApp)
  .get("/", (c) => c.redirect("/admin/"))
  .notFound((c) => {
    c.header("X-Content-Type-Options", "nosniff");
    return c.json(errorBody("NOT_FOUND", `No route ${c.req.method} ${c.req.path}.`), 404);
  })
  .onError((err, c) => {
    c.header("X-Content-Type-Options", "nosniff");
    return renderError(err, c);
  });

let document: ReturnType<typeof buildOpenApi> | undefined;
function openApiDocument() {
  document ??= buildOpenApi(app, { title: "Clockwork API", version: VERSION });
  return document;
}

export default {
  fetch: app.fetch,
  /**
   * The cron (every 15 minutes). Awaited, not left to waitUntil: a step that fails makes the
   * run fail where Cloudflare reports it, after the other steps have run.
   */
  async scheduled(controller, env, _ctx) {
    const report = await runMaintenance(createDb(env.DB), env, controller.scheduledTime);
    const line = describeMaintenance(report);
    if (report.failed.length > 0) throw new Error(line);
    console.log(line);
  },
} satisfies ExportedHandler<Env>;
