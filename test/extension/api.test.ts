import { describe, expect, it, vi } from "vitest";
import { ApiError, createApi, NetworkError } from "../../extension/utils/api";
import { T0, receiptOf, recordOf, signed } from "./fakes";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("createApi", () => {
  it("posts a signed punch as JSON and reports 201 or 200", async () => {
    const item = signed(T0);
    const fetchImpl = vi.fn().mockResolvedValue(json(201, { punch: recordOf(item.punch, T0), receipt: receiptOf(item.punch) }));
    const api = createApi("https://clock.example.com", fetchImpl);

    const result = await api.punch(item);

    expect(result.status).toBe(201);
    expect(result.body.punch.id).toBe(item.punch.id);
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(String(url)).toBe("https://clock.example.com/api/punches");
    expect(init.method).toBe("POST");
    expect(init.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(init.body)).toEqual({ punch: item.punch, assertion: item.assertion });
  });

  it("turns the server's error body into an ApiError with its code, message and details", async () => {
    const fetchImpl = vi.fn().mockResolvedValue(json(403, { error: { code: "CREDENTIAL_REVOKED", message: "Revoked.", details: { a: 1 } } }));
    const error = await createApi("https://clock.example.com", fetchImpl).punch(signed(T0)).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: "CREDENTIAL_REVOKED", message: "Revoked.", details: { a: 1 } });
  });

  it("a non-JSON error page still gives an ApiError with the status", async () => {
    const fetchImpl = vi.fn().mockResolvedValue(new Response("<html>Bad gateway</html>", { status: 502 }));
    const error = await createApi("https://clock.example.com", fetchImpl).nonce().catch((e) => e);
    expect(error).toMatchObject({ status: 502, code: "HTTP_502" });
  });

  it("no answer is a NetworkError", async () => {
    const fetchImpl = vi.fn().mockRejectedValue(new TypeError("Failed to fetch"));
    await expect(createApi("https://clock.example.com", fetchImpl).batch([signed(T0)])).rejects.toBeInstanceOf(NetworkError);
  });

  it("sends the session token and the date range for the employee's own punches", async () => {
    const fetchImpl = vi.fn().mockResolvedValue(json(200, { items: [] }));
    await createApi("https://clock.example.com/", fetchImpl).myPunches("tok", "2025-03-01", "2025-03-31");
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(String(url)).toBe("https://clock.example.com/api/me/punches?from=2025-03-01&to=2025-03-31");
    expect(init.headers.Authorization).toBe("Bearer tok");
  });

  it("sends queued punches as { items } without the queue's bookkeeping", async () => {
    const item = signed(T0);
    const fetchImpl = vi.fn().mockResolvedValue(json(200, { results: [] }));
    await createApi("https://clock.example.com", fetchImpl).batch([{ ...item, queuedAt: 1, attempts: 2 } as typeof item]);
    expect(JSON.parse(fetchImpl.mock.calls[0]![1].body)).toEqual({ items: [{ punch: item.punch, assertion: item.assertion }] });
  });

  it("files a correction without files as JSON, and with files as multipart: the fields as text, each file named evidence", async () => {
    const correction = { id: "c1", status: "pending" };
    const fetchImpl = vi.fn().mockImplementation(async () => json(201, { correction }));
    const api = createApi("https://clock.example.com", fetchImpl);
    const fields = { date: "2025-03-10", kind: "in" as const, time: T0, reason: "Forgot" };

    expect(await api.fileCorrection("tok", fields)).toEqual(correction);
    const [, plain] = fetchImpl.mock.calls[0]!;
    expect(plain.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(plain.body)).toEqual(fields);

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await api.fileCorrection("tok", fields, [{ name: "screen.png", type: "image/png", bytes: png }]);
    const [url, init] = fetchImpl.mock.calls[1]!;
    expect(String(url)).toBe("https://clock.example.com/api/me/corrections");
    expect(init.headers.Authorization).toBe("Bearer tok");
    // The browser writes the multipart Content-Type with its boundary.
    expect(init.headers["Content-Type"]).toBeUndefined();
    const form = init.body as FormData;
    expect([form.get("date"), form.get("kind"), form.get("time"), form.get("reason")]).toEqual(["2025-03-10", "in", String(T0), "Forgot"]);
    const file = form.getAll("evidence")[0] as File;
    expect(file.name).toBe("screen.png");
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([...png]);
  });

  it("cancels a request with DELETE and takes the empty 204", async () => {
    const fetchImpl = vi.fn().mockResolvedValue(new Response(null, { status: 204 }));
    await createApi("https://clock.example.com", fetchImpl).cancelCorrection("tok", "c/1");
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(String(url)).toBe("https://clock.example.com/api/me/corrections/c%2F1");
    expect(init.method).toBe("DELETE");
  });
});
