export type Health = { state: "checking" } | { state: "up"; version: string } | { state: "down"; reason: string };

const TIMEOUT_MS = 5000;

/** Asks `GET <server>/api/health`; `fetchFn` is a parameter so tests can stand in for the network. */
export async function checkHealth(serverUrl: string, fetchFn: typeof fetch = fetch): Promise<Health> {
  let url: URL;
  try {
    url = new URL("/api/health", serverUrl);
  } catch {
    return { state: "down", reason: `"${serverUrl}" is not a valid URL` };
  }
  try {
    const res = await fetchFn(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) return { state: "down", reason: `HTTP ${res.status}` };
    const body = (await res.json()) as { ok?: unknown; version?: unknown };
    if (body.ok !== true) return { state: "down", reason: "unexpected answer" };
    return { state: "up", version: typeof body.version === "string" ? body.version : "?" };
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === "TimeoutError";
    return { state: "down", reason: timedOut ? "no answer within 5 s" : "network error" };
  }
}
