import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import {
  CorrectionListSchema,
  CorrectionRequestSchema,
  CorrectionResponseSchema,
  IdParamSchema,
} from "../../shared/api";
import type { ErrorCode } from "../../shared/errors";
import { corrections } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { describeRoute } from "../openapi";
import { cancelCorrection, type EvidenceUpload, fileCorrection } from "../services/corrections";
import { policyFrom, policyQuery } from "../services/policy";
import { toCorrection } from "../services/records";
import { clientIp } from "../services/request";
import { validate, validationError } from "../validation";

/** Room for the form fields and multipart framing besides the files themselves. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * Uploads may be larger than the API's usual 1 MB, but never larger than the company's evidence
 * policy allows (files × size): checked on Content-Length and again while the body streams in,
 * and only once the caller is signed in (the router signs in first).
 */
const evidenceBodyLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { corrections: policy } = policyFrom(await policyQuery(c.var.db));
  const maxSize = policy.maxFiles * policy.maxFileBytes + FORM_OVERHEAD_BYTES;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, "PAYLOAD_TOO_LARGE", `A request with its files is limited to ${maxSize} bytes.`);
    },
  })(c, next);
});

/** The request's fields and files, from JSON or multipart/form-data (files named `evidence`). */
async function readRequest(req: Request): Promise<{ fields: unknown; files: EvidenceUpload[] }> {
  const type = req.headers.get("Content-Type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      throw new ApiError(400, "VALIDATION_FAILED", "The form data could not be read.");
    }
    const fields: Record<string, unknown> = {};
    const files: EvidenceUpload[] = [];
    const entries: [string, FormDataEntryValue][] = [];
    form.forEach((value, key) => entries.push([key, value]));
    for (const [key, value] of entries) {
      if (key === "evidence" && typeof value !== "string") {
        files.push({ name: value.name || "evidence", bytes: new Uint8Array(await value.arrayBuffer()) });
      } else if (key === "evidence") {
        throw new ApiError(400, "VALIDATION_FAILED", "`evidence` must be a file.");
      } else if (typeof value === "string") {
        fields[key] = value;
      } else {
        throw new ApiError(400, "VALIDATION_FAILED", `Only \`evidence\` may be a file, not \`${key.slice(0, 40)}\`.`);
      }
    }
    return { fields, files };
  }
  if (type.startsWith("application/json")) {
    const fields = await req.json().catch(() => {
      throw new ApiError(400, "VALIDATION_FAILED", "The request body is not valid JSON.");
    });
    return { fields, files: [] };
  }
  throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send JSON, or multipart/form-data with files named `evidence`.");
}

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "VALIDATION_FAILED"];

/** The signed-in employee's correction requests (mounted under /api/me, behind its sign-in). */
export const meCorrectionRoutes = new Hono<AppEnv>()
  .post(
    "/",
    describeRoute({
      summary: "Ask for a missed punch to be added: JSON, or multipart with 0–3 files named `evidence` (PNG, JPEG, WebP, PDF)",
      tags: ["employee", "corrections"],
      auth: "employee",
      body: CorrectionRequestSchema,
      responses: { 201: CorrectionResponseSchema },
      errors: [...ERRORS, "CORRECTION_DUPLICATE", "PAYLOAD_TOO_LARGE", "EVIDENCE_TYPE_NOT_ALLOWED", "CORRECTION_OUT_OF_WINDOW", "CORRECTION_LIMIT_REACHED", "RATE_LIMITED", "UNSUPPORTED_MEDIA_TYPE"],
    }),
    evidenceBodyLimit,
    async (c) => {
      const { fields, files } = await readRequest(c.req.raw);
      const parsed = CorrectionRequestSchema.safeParse(fields);
      if (!parsed.success) throw validationError(parsed.error);
      const row = await fileCorrection(c.var.db, c.env.EVIDENCE, {
        employeeId: c.var.principal.id,
        fields: parsed.data,
        files,
        ip: clientIp(c),
        now: Date.now(),
      });
      return c.json({ correction: toCorrection(row) }, 201);
    },
  )
  .get(
    "/",
    describeRoute({ summary: "The signed-in employee's correction requests, newest first", tags: ["employee", "corrections"], auth: "employee", responses: { 200: CorrectionListSchema }, errors: ERRORS }),
    async (c) => {
      const rows = await c.var.db
        .select()
        .from(corrections)
        .where(eq(corrections.employeeId, c.var.principal.id))
        .orderBy(desc(corrections.createdAt), desc(corrections.id))
        .limit(200);
      return c.json({ items: rows.map(toCorrection) });
    },
  )
  .delete(
    "/:id",
    describeRoute({ summary: "Cancel a pending request of one's own (its files are deleted)", tags: ["employee", "corrections"], auth: "employee", responses: { 204: null }, errors: [...ERRORS, "NOT_FOUND", "CORRECTION_ALREADY_DECIDED"] }),
    validate("param", IdParamSchema),
    async (c) => {
      await cancelCorrection(c.var.db, c.env.EVIDENCE, { employeeId: c.var.principal.id, id: c.req.valid("param").id, ip: clientIp(c), now: Date.now() });
      return c.body(null, 204);
    },
  );


