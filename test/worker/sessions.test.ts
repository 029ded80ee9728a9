import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../../shared/encoding";
import worker from "../../worker/index";
import { adminCall, call, createEmployee, enrolDevice, expectError, makePunch, nonce, setUpFirstAdmin, sign, type Admin, type EnrolledDevice } from "./helpers";

let admin: Admin;
let device: EnrolledDevice;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  device = await enrolDevice(admin, (await createEmployee(admin)).id);
});

describe("employee tokens", () => {
  it("a punch hands back a working token; the device shows when it was last used", async () => {
    const before = Date.now();
    const res = await call("POST", "/api/punches", { body: await sign(device, makePunch(device, { nonce: await nonce() })) });
    const me = await call("GET", "/api/me", { token: res.json.session.token });
    expect(me.status).toBe(200);
    expect(me.json.devices[0].lastUsedAt).toBeGreaterThanOrEqual(before);
    const listed = await adminCall(admin, "GET", `/api/admin/employees/${device.employeeId}/devices`);
    expect(listed.json.items[0].lastUsedAt).toBe(me.json.devices[0].lastUsedAt);
  });

  it("a token whose claims were edited, or that has expired, is refused", async () => {
    const [version, payload, mac] = device.token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload!)));
    const edit = (changes: object) => `${version}.${toBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, ...changes })))}.${mac}`;
    const other = await createEmployee(admin);
    expectError(await call("GET", "/api/me", { token: edit({ e: other.id }) }), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/api/me", { token: edit({ x: claims.x + 1 }) }), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/api/me", { token: `${version}.${payload}.${mac!.slice(0, -2)}AA` }), 401, "UNAUTHENTICATED");
    expect((await call("GET", "/api/me", { token: device.token })).status).toBe(200);
  });
});

describe("configuration", () => {
  it.each([
    ["a missing NONCE_SECRET", { NONCE_SECRET: "" }, "/api/punch/nonce"],
    ["a short NONCE_SECRET", { NONCE_SECRET: "short" }, "/api/punch/nonce"],
    ["a RECEIPT_KEY that is not a key", { RECEIPT_KEY: "{}" }, "/api/receipts/key"],
  ])("%s answers 503 SERVER_MISCONFIGURED instead of signing with it", async (_name, override, path) => {
    const res = await worker.fetch(new Request(`http://localhost:8787${path}`), { ...env, ...override }, createExecutionContext());
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("SERVER_MISCONFIGURED");
  });
});
