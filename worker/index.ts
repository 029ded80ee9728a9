import { lt } from "drizzle-orm";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { countRoundTrips, createDb } from "./db/client";
import { rateLimits, sessions, webauthnFlows } from "./db/schema";
import type { AppEnv } from "./env";
import { ApiError, errorBody, renderError } from "./errors";
import { buildOpenApi } from "./openapi";
import { deviceRoutes } from "./routes/admin/devices";
import { employeeRoutes } from "./routes/admin/employees";
import { holidayRoutes } from "./routes/admin/holidays";
import { networkRoutes } from "./routes/admin/networks";
import { adminPunchRoutes } from "./routes/admin/punches";
import { reportRoutes } from "./routes/admin/reports";
import { scheduleRoutes } from "./routes/admin/schedules";
import { settingsRoutes } from "./routes/admin/settings";
import { siteRoutes } from "./routes/admin/sites";
import { consoleRoutes } from "./routes/console";
import { enrollRoutes } from "./routes/enroll";
import { meRoutes } from "./routes/me";
import { publicRoutes, VERSION } from "./routes/public";
import { punchRoutes } from "./routes/punches";
import { sealAuditLog } from "./services/audit";
import { extensionOrigins } from "./services/request";
import { requireConsole } from "./services/sessions";

const MAX_BODY_BYTES = 1024 * 1024;

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
  .route("/reports", reportRoutes);

const api = new Hono<AppEnv>()
  .use(async (c, next) => {
    const { d1, stats } = countRoundTrips(c.env.DB);
    c.set("db", createDb(d1));
    await next();
    c.header("Server-Timing", `d1;dur=${stats.ms};desc="${stats.roundTrips} round trips"`, { append: true });
  })
  .use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "PAYLOAD_TOO_LARGE", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
      },
    }),
  )
  // The extension calls from its own origin; the console is same-origin and needs no CORS.
  .use(
    "/*",
    cors({
      origin: (origin, c) => (extensionOrigins(c.env).includes(origin) ? origin : null),
      allowHeaders: ["Content-Type", "Authorization"],
      allowMethods: ["GET", "POST", "OPTIONS"],
      maxAge: 600,
    }),
  )
  .route("/", publicRoutes)
  .route("/enroll", enrollRoutes)
  .route("/", punchRoutes)
  .route("/me", meRoutes)
  .route("/console", consoleRoutes)
  .route("/admin", admin);

export const app = new Hono<AppEnv>()
  .route("/api", api)
  .get("/api/openapi.json", (c) => c.json(openApiDocument()))
  .get("/", (c) => c.redirect("/admin/"))
  .notFound((c) => c.json(errorBody("NOT_FOUND", `No route ${c.req.method} ${c.req.path}.`), 404))
  .onError(renderError);

let document: ReturnType<typeof buildOpenApi> | undefined;
function openApiDocument() {
  document ??= buildOpenApi(app, { title: "Clockwork API", version: VERSION });
  return document;
}

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const db = createDb(env.DB);
    const now = Date.now();
    ctx.waitUntil(
      (async () => {
        await db.batch([
          db.delete(webauthnFlows).where(lt(webauthnFlows.expiresAt, now)),
          db.delete(sessions).where(lt(sessions.expiresAt, now)),
          db.delete(rateLimits).where(lt(rateLimits.windowStart, now - 24 * 3600_000)),
        ]);
        await sealAuditLog(db);
      })(),
    );
  },
} satisfies ExportedHandler<Env>;
