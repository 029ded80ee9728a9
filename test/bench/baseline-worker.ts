/**
 * The bench's baseline (not part of the product): the floor a signed punch can cost in a Worker.
 * Per request it does exactly
 *   1. one ES256 signature verification (WebCrypto ECDSA P-256 over authenticatorData ‖
 *      SHA-256(clientDataJSON)), and
 *   2. one INSERT into the product's `punches` table (same migrations, same indexes and FKs).
 * Nothing else: no schema validation, no challenge recomputation, no nonce HMAC, no rules, no
 * receipt signature, no audit entry, no session. `npm run bench` compares the product to this.
 *
 * Bench-only shortcut: the request carries the credential's public key as a JWK
 * (`{ punch, assertion, publicKey }`). The product looks the key up in `devices`; doing that here
 * would add a SELECT, so the baseline takes it from the body to stay at one statement.
 * The bench seeds `employees` and `devices` rows (device id = credential id) so that the
 * foreign keys of the inserted row hold.
 *
 * With `LOOKUP=1` (a var) it is the *two-round-trip floor* instead: it ignores the key in the body
 * and first reads it from `devices` (one SELECT by credential id, as any Worker that trusts only
 * its own records must), then inserts. That is the least a punch costs within the product's
 * budget of one read and one write, so the bench can tell what the budget itself costs from what
 * the product adds to it. The bench's target is the product's p50 within 1.3× of this floor's.
 *
 * Like the product with SERVER_TIMING on, it reports its D1 round trips and the rows they read and
 * wrote (`meta.rows_read` / `rows_written`) in `Server-Timing`.
 *
 * For the timesheet bench it also answers `GET /punches?since&until`: one bare SELECT of the
 * rows a timesheet reads (the same columns, the same time range), returned as JSON. That is the
 * floor a report over those rows can cost.
 */

/** The slice of the D1 binding this Worker uses (kept local so the file needs no workers types). */
interface D1Meta {
  meta?: { rows_read?: number; rows_written?: number };
}
interface D1Like {
  prepare(query: string): {
    bind(...values: unknown[]): { run(): Promise<D1Meta>; all<T = unknown>(): Promise<{ results: T[] } & D1Meta> };
  };
}

interface Env {
  DB: D1Like;
  LOOKUP?: string;
}

interface BaselineRequest {
  punch: {
    id: string;
    employeeId: string;
    credentialId: string;
    kind: string;
    clientTime: number;
    tz: string;
    nonce: string | null;
    geo: { lat: number; lon: number; accuracy: number } | { error: string };
  };
  assertion: { response: { authenticatorData: string; clientDataJSON: string; signature: string } };
  publicKey: JsonWebKey;
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** WebAuthn signatures are ASN.1 DER; WebCrypto wants raw r‖s (32 bytes each for P-256). */
function derToRaw(der: Uint8Array): Uint8Array<ArrayBuffer> {
  if (der[0] !== 0x30) throw new Error("signature is not a DER sequence");
  let offset = 2;
  const raw = new Uint8Array(64);
  for (const half of [0, 32]) {
    if (der[offset] !== 0x02) throw new Error("signature is not two DER integers");
    const length = der[offset + 1]!;
    let integer = der.subarray(offset + 2, offset + 2 + length);
    while (integer.length > 32 && integer[0] === 0) integer = integer.subarray(1); // sign padding
    if (integer.length > 32) throw new Error("signature integer too long");
    raw.set(integer, half + 32 - integer.length);
    offset += 2 + length;
  }
  return raw;
}

const INSERT = `INSERT INTO punches (
  id, employee_id, device_id, source, kind, client_time, tz, nonce, nonce_issued_at,
  geo_lat, geo_lon, geo_accuracy, geo_error, effective_time, received_at, local_date,
  mode, status, reasons, ip, signed_punch, punch_hash, assertion, receipt_payload, receipt_signature
) VALUES (?, ?, ?, 'device', ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 'online', 'accepted', '[]', ?, ?, ?, ?, '', '')`;

const LOOKUP = `SELECT public_key FROM devices WHERE credential_id = ? AND employee_id = ? AND revoked_at IS NULL`;

const SELECT = `SELECT id, employee_id, kind, effective_time, status FROM punches
  WHERE effective_time >= ? AND effective_time < ?`;

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/health") return json({ ok: true }, 200);
    if (request.method === "GET" && pathname === "/punches") {
      const params = new URL(request.url).searchParams;
      const { results } = await env.DB.prepare(SELECT).bind(Number(params.get("since")), Number(params.get("until"))).all();
      return json({ items: results }, 200);
    }
    if (request.method !== "POST" || pathname !== "/punches") return json({ error: "not found" }, 404);

    let body: BaselineRequest;
    let d1Ms = 0;
    let roundTrips = 0;
    let rowsRead = 0;
    let rowsWritten = 0;
    // Counted as the product counts its statements (worker/db/client.ts), rows from D1's `meta`.
    const timed = async <T extends D1Meta>(query: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      roundTrips += 1;
      try {
        const result = await query();
        rowsRead += result.meta?.rows_read ?? 0;
        rowsWritten += result.meta?.rows_written ?? 0;
        return result;
      } finally {
        d1Ms += Date.now() - start;
      }
    };
    let key: CryptoKey;
    let signed: Uint8Array<ArrayBuffer>;
    let signature: Uint8Array<ArrayBuffer>;
    let clientData: Uint8Array<ArrayBuffer>;
    try {
      body = (await request.json()) as BaselineRequest;
      const { response } = body.assertion;
      const authData = fromBase64Url(response.authenticatorData);
      clientData = fromBase64Url(response.clientDataJSON);
      signature = derToRaw(fromBase64Url(response.signature));
      let publicKey = body.publicKey;
      if (env.LOOKUP === "1") {
        const { punch } = body;
        // all(), not first(): first() gives no `meta`, and the rows read are reported.
        const { results } = await timed(() => env.DB.prepare(LOOKUP).bind(punch.credentialId, punch.employeeId).all<{ public_key: string }>());
        const row = results[0];
        if (!row) return json({ error: "unknown credential" }, 403);
        publicKey = JSON.parse(row.public_key) as JsonWebKey;
      }
      key = await crypto.subtle.importKey("jwk", publicKey, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
      const clientHash = new Uint8Array(await crypto.subtle.digest("SHA-256", clientData));
      signed = new Uint8Array(authData.length + clientHash.length);
      signed.set(authData);
      signed.set(clientHash, authData.length);
    } catch (error) {
      return json({ error: `bad request: ${(error as Error).message}` }, 400);
    }

    // (1) The one signature verification.
    const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, signed);
    if (!valid) return json({ error: "invalid signature" }, 401);

    // (2) The one INSERT. The challenge the key signed stands in for the punch hash.
    const { punch } = body;
    const now = Date.now();
    const fix = "lat" in punch.geo ? punch.geo : null;
    const insert = env.DB.prepare(INSERT)
      .bind(
        punch.id,
        punch.employeeId,
        punch.credentialId, // the bench seeds devices with id = credential id
        punch.kind,
        punch.clientTime,
        punch.tz,
        punch.nonce,
        fix?.lat ?? null,
        fix?.lon ?? null,
        fix?.accuracy ?? null,
        "error" in punch.geo ? punch.geo.error : null,
        now,
        now,
        new Date(now).toISOString().slice(0, 10),
        request.headers.get("CF-Connecting-IP"),
        JSON.stringify(punch),
        (JSON.parse(new TextDecoder().decode(clientData)) as { challenge: string }).challenge,
        JSON.stringify(body.assertion),
      );
    await timed(() => insert.run());
    // The same Server-Timing entries the product sends, so the bench reads both alike.
    const response = json({ id: punch.id }, 201);
    response.headers.append("Server-Timing", `d1;dur=${d1Ms};desc="${roundTrips} round trips"`);
    response.headers.append("Server-Timing", `d1-rows;desc="read=${rowsRead} written=${rowsWritten}"`);
    return response;
  },
};
