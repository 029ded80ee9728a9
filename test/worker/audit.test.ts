import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import worker from "../../worker/index";
import { createDb } from "../../worker/db/client";
import { auditLog } from "../../worker/db/schema";
import { GENESIS, entryHash } from "../../worker/services/audit";
import { asc } from "drizzle-orm";
import { call, createEmployee, enrolDevice, makePunch, nonce, setUpFirstAdmin, sign } from "./helpers";

async function runScheduled() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

it("the scheduled handler seals the audit log into a hash chain and drops expired sign-in flows", async () => {
  const admin = await setUpFirstAdmin();
  const device = await enrolDevice(admin, (await createEmployee(admin)).id);
  await call("POST", "/api/punches", { body: await sign(device, makePunch(device, { nonce: await nonce() })) });
  await env.DB.prepare("INSERT INTO webauthn_flows (id, kind, challenge, origin, created_at, expires_at) VALUES ('old', 'console_login', 'x', 'o', 0, 1)").run();

  await runScheduled();
  const db = createDb(env.DB);
  const entries = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(["setup.completed", "device.enrolled", "punch.recorded"]));
  let prev = GENESIS;
  for (const entry of entries) {
    expect(entry.prevHash).toBe(prev);
    expect(entry.hash).toBe(await entryHash(prev, entry));
    prev = entry.hash!;
  }
  expect(await env.DB.prepare("SELECT count(*) AS n FROM webauthn_flows WHERE id = 'old'").first("n")).toBe(0);

  // New entries continue the chain from the last sealed one.
  await call("POST", "/api/punches", { body: await sign(device, makePunch(device, { nonce: await nonce() })) });
  await runScheduled();
  const last = (await db.select().from(auditLog).orderBy(asc(auditLog.seq)))[entries.length];
  expect(last!.prevHash).toBe(prev);
  // An edited entry no longer matches its hash.
  expect(await entryHash(last!.prevHash!, { ...last!, action: "punch.deleted" })).not.toBe(last!.hash);
});
