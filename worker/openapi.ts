import type { Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import { type ErrorCode, ErrorBodySchema } from "../shared/errors";

type Schema = z.ZodType;

export interface RouteDoc {
  summary: string;
  tags?: string[];
  /** Which credential the route takes. */
  auth?: "employee" | "console" | "setup";
  body?: Schema;
  query?: Schema;
  params?: Schema;
  /** Status → response body schema (`null` for none, a string for a non-JSON type). */
  responses: Record<number, Schema | null | { contentType: string }>;
  /** Error codes the route answers with, listed in the description. */
  errors?: ErrorCode[];
}

const DOC = Symbol("openapi");

type Documented = MiddlewareHandler & { [DOC]?: Partial<RouteDoc> };

/** Attaches documentation to a route; it does nothing at run time. */
export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  return attachDoc(async (_c, next) => next(), doc);
}

/** Marks a middleware (a validator) with the part of the document it stands for. */
export function attachDoc<M extends MiddlewareHandler>(middleware: M, doc: Partial<RouteDoc>): M {
  (middleware as Documented)[DOC] = doc;
  return middleware;
}

function jsonSchema(schema: Schema, io: "input" | "output") {
  return z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
}

function parameters(schema: Schema | undefined, where: "query" | "path") {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/**
 * Builds the OpenAPI 3.1 document from the routes the app actually has: every
 * documented route contributes its zod schemas, so the document cannot drift
 * from the validation.
 */
export function buildOpenApi(app: Hono<any>, info: { title: string; version: string }) {
  const merged = new Map<string, { method: string; path: string; doc: Partial<RouteDoc> }>();
  for (const route of app.routes) {
    const part = (route.handler as Documented)[DOC];
    if (!part || route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    const entry = merged.get(key) ?? { method: route.method.toLowerCase(), path: route.path, doc: {} };
    entry.doc = { ...entry.doc, ...part };
    merged.set(key, entry);
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, doc } of merged.values()) {
    if (!doc.summary) continue;
    const openApiPath = path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const pathParams = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, body] of Object.entries(doc.responses ?? {})) {
      if (body === null) responses[status] = { description: `HTTP ${status}` };
      else if ("contentType" in body && typeof body.contentType === "string")
        responses[status] = { description: `HTTP ${status}`, content: { [body.contentType]: {} } };
      else
        responses[status] = {
          description: `HTTP ${status}`,
          content: { "application/json": { schema: jsonSchema(body as Schema, "output") } },
        };
    }
    responses.default = {
      description: doc.errors?.length ? `Error codes: ${doc.errors.join(", ")}` : "Error",
      content: { "application/json": { schema: jsonSchema(ErrorBodySchema, "output") } },
    };
    paths[openApiPath] ??= {};
    paths[openApiPath][method] = {
      summary: doc.summary,
      tags: doc.tags,
      parameters: [...pathParams, ...parameters(doc.query, "query")],
      ...(doc.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(doc.body, "input") } } } }
        : {}),
      responses,
      ...(doc.auth === "employee" ? { security: [{ employeeBearer: [] }] } : {}),
      ...(doc.auth === "console" ? { security: [{ consoleCookie: [] }, { apiKey: [] }] } : {}),
    };
  }

  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      securitySchemes: {
        employeeBearer: { type: "http", scheme: "bearer", description: "Employee session token from enrolment or a punch" },
        consoleCookie: { type: "apiKey", in: "cookie", name: "cw_session" },
        apiKey: { type: "http", scheme: "bearer", description: "Integration API key" },
      },
    },
  };
}
