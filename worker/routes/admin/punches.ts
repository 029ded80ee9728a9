import { and, desc, eq, gte, lt, lte, or, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { AdminPunchPageSchema, AdminPunchesQuerySchema } from "../../../shared/api";
import { fromBase64Url, toBase64Url } from "../../../shared/encoding";
import { punches } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { toPunchRecord } from "../../services/records";
import { scopeCondition } from "../../services/scope";
import { validate } from "../../validation";

/** Keyset cursor: the (effectiveTime, id) of the last item, newest first. */
function encodeCursor(time: number, id: string) {
  return toBase64Url(new TextEncoder().encode(`${time}:${id}`));
}

function decodeCursor(cursor: string) {
  try {
    const [time, id] = new TextDecoder().decode(fromBase64Url(cursor)).split(":");
    if (!/^\d{1,16}$/.test(time ?? "") || !id) throw new Error("bad cursor");
    return { time: Number(time), id };
  } catch {
    throw new ApiError(400, "VALIDATION_FAILED", "The cursor is not one this server gave out.");
  }
}

export const adminPunchRoutes = new Hono<AppEnv>().get(
  "/",
  describeRoute({
    summary: "Punches, newest first, filtered and paged",
    tags: ["admin"],
    auth: "console",
    responses: { 200: AdminPunchPageSchema },
    errors: ["UNAUTHENTICATED", "FORBIDDEN", "VALIDATION_FAILED"],
  }),
  validate("query", AdminPunchesQuerySchema),
  async (c) => {
    const q = c.req.valid("query");
    const conditions: (SQL | undefined)[] = [scopeCondition(c.var.principal, punches.employeeId)];
    if (q.from !== undefined) conditions.push(gte(punches.effectiveTime, q.from));
    if (q.to !== undefined) conditions.push(lte(punches.effectiveTime, q.to));
    if (q.employeeId) conditions.push(eq(punches.employeeId, q.employeeId));
    if (q.status) conditions.push(eq(punches.status, q.status));
    if (q.cursor) {
      const after = decodeCursor(q.cursor);
      conditions.push(
        or(lt(punches.effectiveTime, after.time), and(eq(punches.effectiveTime, after.time), lt(punches.id, after.id))),
      );
    }
    const rows = await c.var.db
      .select()
      .from(punches)
      .where(and(...conditions))
      .orderBy(desc(punches.effectiveTime), desc(punches.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json({
      items: page.map(toPunchRecord),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.effectiveTime, last.id) : null,
    });
  },
);
