import { asc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { ArchiveListSchema, MonthParamSchema } from "../../../shared/api";
import { archiveParts } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { roleGate } from "../../services/scope";
import { validate } from "../../validation";

/** Months of punches that retention moved to R2, readable as they were stored: admins and auditors. */
export const archiveRoutes = new Hono<AppEnv>()
  .use(roleGate(["admin", "auditor"], "Only admins and auditors read archived months."))
  .get(
    "/",
    describeRoute({ summary: "Archived months with their parts and each part's SHA-256", tags: ["admin", "audit"], auth: "console", responses: { 200: ArchiveListSchema }, errors: ["UNAUTHENTICATED", "FORBIDDEN"] }),
    async (c) => {
      const rows = await c.var.db.select().from(archiveParts).orderBy(asc(archiveParts.month), asc(archiveParts.part));
      const months = new Map<string, { month: string; parts: { part: number; key: string; punches: number; bytes: number; sha256: string }[]; punches: number }>();
      for (const r of rows) {
        const m = months.get(r.month) ?? { month: r.month, parts: [], punches: 0 };
        m.parts.push({ part: r.part, key: r.key, punches: r.punches, bytes: r.bytes, sha256: r.sha256 });
        m.punches += r.punches;
        months.set(r.month, m);
      }
      return c.json({ items: [...months.values()] });
    },
  )
  .get(
    "/:month",
    describeRoute({
      summary: "An archived month's punches as stored (every column, one JSON object per line), its parts in order",
      tags: ["admin", "audit"],
      auth: "console",
      responses: { 200: { contentType: "application/x-ndjson" } },
      errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"],
    }),
    validate("param", MonthParamSchema),
    async (c) => {
      const { month } = c.req.valid("param");
      const parts = await c.var.db.select().from(archiveParts).where(eq(archiveParts.month, month)).orderBy(asc(archiveParts.part));
      if (parts.length === 0) throw new ApiError(404, "NOT_FOUND", `${month} is not archived.`);
      const bucket = c.env.EVIDENCE;
      let next = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const part = parts[next++];
          if (!part) return controller.close();
          const object = await bucket.get(part.key);
          if (!object) return controller.error(new Error(`archive part ${part.key} is missing`));
          controller.enqueue(new Uint8Array(await object.arrayBuffer()));
        },
      });
      return c.body(body, 200, { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "private, no-store" });
    },
  );
