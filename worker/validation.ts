import { zValidator } from "@hono/zod-validator";
import type { z } from "zod";
import { ApiError } from "./errors";
import { attachDoc } from "./openapi";

type Target = "json" | "query" | "param";

function issuesOf(error: z.ZodError) {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** Throws the API's validation error for a zod failure. */
export function validationError(error: z.ZodError, where = "request body"): ApiError {
  const first = error.issues[0];
  const at = first && first.path.length ? ` at ${first.path.join(".")}` : "";
  return new ApiError(400, "VALIDATION_FAILED", `Invalid ${where}${at}: ${first?.message ?? "invalid"}`, {
    issues: issuesOf(error),
  });
}

const WHERE: Record<Target, string> = { json: "request body", query: "query string", param: "path" };
const DOC_KEY: Record<Target, "body" | "query" | "params"> = { json: "body", query: "query", param: "params" };

/** zValidator with the API's error shape, documented in the OpenAPI output. */
export function validate<T extends Target, S extends z.ZodType>(target: T, schema: S) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(result.error as unknown as z.ZodError, WHERE[target]);
  });
  return attachDoc(middleware, { [DOC_KEY[target]]: schema });
}
