import { eq } from "drizzle-orm";
import { resolveSettings, type Settings } from "../../shared/settings";
import type { DB } from "../db/client";
import { settings } from "../db/schema";

/** The company policy row, as a query to put in a request's batched read. */
export function policyQuery(db: DB) {
  return db.select({ data: settings.data }).from(settings).where(eq(settings.id, 1));
}

/** The policy from `policyQuery`'s rows, over the defaults. */
export function policyFrom(rows: { data: unknown }[]): Settings {
  return resolveSettings(rows[0]?.data);
}
