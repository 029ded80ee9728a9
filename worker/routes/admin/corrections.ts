import { and, desc, eq, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import {
  AdminCorrectionsQuerySchema,
  CorrectionDecisionRequestSchema,
  CorrectionPageSchema,
  CorrectionResponseSchema,
  EvidenceParamSchema,
  IdParamSchema,
} from "../../../shared/api";
import type { ErrorCode } from "../../../shared/errors";
import { corrections } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { decideCorrection, loadCorrection } from "../../services/corrections";
import { afterCursor, pageOf } from "../../services/cursor";
import { toCorrection } from "../../services/records";
import { clientIp } from "../../services/request";
import { scopeCondition } from "../../services/scope";
import { validate } from "../../validation";

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "VALIDATION_FAILED"];

/** `filename*` per RFC 6266 / 5987: any name, safely quoted for the header. */
function attachmentName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Correction requests as reviewers see them: admins all, managers their team, auditors read only. */
export const adminCorrectionRoutes = new Hono<AppEnv>()
  .get(
    "/",
    describeRoute({
      summary: "Correction requests, newest first, by status and employee, paged",
      tags: ["admin", "corrections"],
      auth: "console",
      responses: { 200: CorrectionPageSchema },
      errors: ERRORS,
    }),
    validate("query", AdminCorrectionsQuerySchema),
    async (c) => {
      const q = c.req.valid("query");
      const conditions: (SQL | undefined)[] = [scopeCondition(c.var.principal, corrections.employeeId)];
      if (q.status) conditions.push(eq(corrections.status, q.status));
      if (q.employeeId) conditions.push(eq(corrections.employeeId, q.employeeId));
      if (q.cursor) conditions.push(afterCursor(q.cursor, corrections.createdAt, corrections.id));
      const rows = await c.var.db
        .select()
        .from(corrections)
        .where(and(...conditions))
        .orderBy(desc(corrections.createdAt), desc(corrections.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => ({ time: r.createdAt, id: r.id }));
      return c.json({ items: page.items.map(toCorrection), nextCursor: page.nextCursor });
    },
  )
  .get(
    "/:id",
    describeRoute({ summary: "One correction request", tags: ["admin", "corrections"], auth: "console", responses: { 200: CorrectionResponseSchema }, errors: [...ERRORS, "NOT_FOUND"] }),
    validate("param", IdParamSchema),
    async (c) => c.json({ correction: toCorrection((await loadCorrection(c.var.db, c.var.principal, c.req.valid("param").id)).correction) }),
  )
  .get(
    "/:id/evidence/:evidenceId",
    describeRoute({
      summary: "An evidence file, as its detected type, always as a download",
      tags: ["admin", "corrections"],
      auth: "console",
      responses: { 200: { contentType: "application/octet-stream" } },
      errors: [...ERRORS, "NOT_FOUND"],
    }),
    validate("param", EvidenceParamSchema),
    async (c) => {
      const { id, evidenceId } = c.req.valid("param");
      const { correction } = await loadCorrection(c.var.db, c.var.principal, id);
      const file = correction.evidence.find((e) => e.id === evidenceId);
      const object = file && correction.evidenceErasedAt === null ? await c.env.EVIDENCE.get(file.key) : null;
      if (!file || !object) {
        throw new ApiError(404, "NOT_FOUND", "No such evidence file (files of a cancelled request, and files past their retention, are deleted).");
      }
      return new Response(object.body, {
        headers: {
          // The type detected from the file's first bytes when it was uploaded, never the sender's.
          "Content-Type": file.type,
          "Content-Length": String(object.size),
          "Content-Disposition": attachmentName(file.name),
          "X-Content-Type-Options": "nosniff",
          "Cache-Control": "private, no-store",
          "Content-Security-Policy": "default-src 'none'; sandbox",
        },
      });
    },
  )
  .post(
    "/:id/decision",
    describeRoute({
      summary: "Approve (adds the punch, mode correction) or reject a pending request, with a comment",
      tags: ["admin", "corrections"],
      auth: "console",
      responses: { 200: CorrectionResponseSchema },
      errors: [...ERRORS, "NOT_FOUND", "CORRECTION_ALREADY_DECIDED"],
    }),
    validate("param", IdParamSchema),
    validate("json", CorrectionDecisionRequestSchema),
    async (c) => {
      const body = c.req.valid("json");
      const row = await decideCorrection(c.var.db, c.env, c.var.principal, {
        id: c.req.valid("param").id,
        approve: body.approve,
        comment: body.comment,
        ip: clientIp(c),
        now: Date.now(),
      });
      return c.json({ correction: toCorrection(row) });
    },
  );
