import { and, eq, lt, or, type SQL, type SQLWrapper } from "drizzle-orm";
import { fromBase64Url, toBase64Url } from "../../shared/encoding";
import { ApiError } from "../errors";

/** A keyset cursor: the (time, id) of the last item on a page, newest first. */
export function encodeCursor(time: number, id: string) {
  return toBase64Url(new TextEncoder().encode(`${time}:${id}`));
}

export function decodeCursor(cursor: string) {
  try {
    const [time, id] = new TextDecoder().decode(fromBase64Url(cursor)).split(":");
    if (!/^\d{1,16}$/.test(time ?? "") || !id) throw new Error("bad cursor");
    return { time: Number(time), id };
  } catch {
    throw new ApiError(400, "VALIDATION_FAILED", "The cursor is not one this server gave out.");
  }
}

/** The condition for the items after `cursor` on a list ordered by (time, id) descending. */
export function afterCursor(cursor: string, time: SQLWrapper, id: SQLWrapper): SQL | undefined {
  return afterKey(decodeCursor(cursor), time, id);
}

/** The condition for the items after the one with this (time, id) on a list ordered by both descending. */
export function afterKey(after: { time: number; id: string }, time: SQLWrapper, id: SQLWrapper): SQL | undefined {
  return or(lt(time as never, after.time), and(eq(time as never, after.time), lt(id as never, after.id)));
}

/** One page of `limit` from `limit + 1` rows, with the cursor of the next page. */
export function pageOf<R>(rows: R[], limit: number, key: (row: R) => { time: number; id: string }) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last).time, key(last).id) : null };
}
