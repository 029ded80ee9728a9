/**
 * The console as admins, managers and auditors use it, end to end: the built console served by
 * the real Worker under `wrangler dev` (its own local D1 and R2, the console's CSP in force), in
 * Debian's Chromium with a CDP virtual authenticator for console passkeys (RP ID `localhost`).
 * Employees act through the public API as the extension would: a software passkey enrolled with
 * a code from the console, signed punches, correction requests with files.
 * Run `npm run build:console` first (npm test does).
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, type Locator, type Page, chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addDays, isoWeekday, zonedInstant } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import { Api } from "../support/api-client";
import { type EnrolledEmployee, enrolWithCode, fileCorrection, sendPunch } from "../support/employee";
import { DevServer, ROOT, buildWorker, freePort, wranglerRun } from "../support/wrangler";
import { en } from "../../worker/console/src/messages/en";
import { zhCN } from "../../worker/console/src/messages/zh-cn";

const CONSOLE_DIST = join(ROOT, "worker/console/dist");
const SHOTS = join(ROOT, "test-results/e2e");
const DOCS_SHOTS = join(ROOT, "docs/screenshots");
/** `UPDATE_SCREENSHOTS=1 npm test` refreshes the pictures in docs/; a plain run leaves the tree as it was. */
const UPDATE_DOCS = process.env.UPDATE_SCREENSHOTS === "1";
/** Whether Chromium can draw Chinese here (fontconfig knows a font for it). */
const HAS_CJK_FONT = (() => {
  try {
    return execFileSync("fc-list", [":lang=zh"], { encoding: "utf8" }).trim() !== "";
  } catch {
    return false;
  }
})();
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
/** The employees' zone; the browsers run in another, so the console must say which zone a time is in. */
const ZONE = "Europe/Berlin";
const VIEWER_ZONE = "Asia/Shanghai";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let tmp: string;
let server: DevServer | undefined;
let api: Api;
let origin: string;
let extensionOrigin: string;
let setupToken: string;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
/** The admin's browser tab. */
let page: Page;
let adminCookie: string;
const ids: Record<"ada" | "max" | "mei" | "olga" | "nia" | "aude", string> = { ada: "", max: "", mei: "", olga: "", nia: "", aude: "" };
let mei: EnrolledEmployee;
/** The past working day Mei asks to correct. */
let missedDay: string;
/** Mei's extension punch that Today shows and Punches opens. */
let meiPunchId: string;
let nextIp = 1;

const asAdmin = () => ({ cookie: adminCookie, origin });
const url = (path: string) => `${origin}${path}`;

/** A past working day (Monday to Friday) at least `back` days ago in the employees' zone. */
function pastWeekday(back: number): string {
  let date = localDate(Date.now() - back * 86_400_000, ZONE);
  while (isoWeekday(date) > 5) date = addDays(date, -1);
  return date;
}

const inflight = new Map<import("playwright-core").Request, number>();

/** A browser tab of its own (cookies, storage, passkeys), in the viewer's zone and language. */
async function openBrowser(locale = "en-US"): Promise<Page> {
  const context = await browser!.newContext({ locale, timezoneId: VIEWER_ZONE, viewport: DESKTOP });
  contexts.push(context);
  // Requests still waiting for their answer, with when they started: named when a test fails.
  context.on("request", (r) => inflight.set(r, Date.now()));
  context.on("requestfinished", (r) => inflight.delete(r));
  context.on("requestfailed", (r) => inflight.delete(r));
  // No internet here: the map's tiles fail at once, as they would offline, and the map must give way quietly.
  await context.route("https://tile.openstreetmap.org/**", (route) => route.abort("internetdisconnected"));
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  // Anything the console's CSP refuses (an inline script or style attribute) is counted, and must stay zero.
  await context.addInitScript(() => {
    (window as any).__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => (window as any).__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  // Overlay scrollbars, as on phones: a full-page screenshot is then as wide as the layout it shows.
  await cdp.send("Emulation.setScrollbarsHidden", { hidden: true });
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return tab;
}

/** No serious or critical axe-core violations on the page as it is now (WCAG 2.x A/AA and best practices). */
async function expectAccessible(tab: Page, label: string) {
  // Evaluated through CDP, not added as a <script>: the console's CSP allows no inline script, and stays on.
  if (!(await tab.evaluate(() => "axe" in window))) await tab.evaluate(readFileSync(AXE, "utf8"));
  const results = await tab.evaluate(() => (window as any).axe.run(document, { resultTypes: ["violations"] }));
  const bad = (results.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${label}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(bad).toEqual([]);
  expect(await tab.evaluate(() => (window as any).__cspViolations)).toEqual([]);
}

const overflow = (tab: Page) => tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * The page at 1280 px and at a 390 px phone: nothing wider than the screen, no serious
 * accessibility violation, a screenshot of each (`docs`: copied into docs/screenshots with
 * UPDATE_SCREENSHOTS=1; Chinese ones only where a CJK font is installed, e.g. fonts-wqy-microhei,
 * so that docs never get pictures of empty boxes).
 */
async function capture(tab: Page, name: string, docs = true) {
  try {
    for (const [size, suffix] of [
      [DESKTOP, ""],
      [PHONE, "-phone"],
    ] as const) {
      await tab.setViewportSize(size);
      await tab.waitForLoadState("networkidle");
      mkdirSync(SHOTS, { recursive: true });
      const file = join(SHOTS, `console-${name}${suffix}.png`);
      await tab.screenshot({ path: file, fullPage: true });
      expect(await overflow(tab), `${name}${suffix} is wider than the window`).toBeLessThanOrEqual(0);
      await expectAccessible(tab, `${name}${suffix}`);
      if (docs && UPDATE_DOCS && (HAS_CJK_FONT || !name.endsWith("-zh"))) {
        mkdirSync(DOCS_SHOTS, { recursive: true });
        copyFileSync(file, join(DOCS_SHOTS, `console-${name}${suffix}.png`));
      }
    }
  } finally {
    await tab.setViewportSize(DESKTOP);
  }
}

const nav = (tab: Page, name: string) => tab.getByRole("navigation", { name: "Console pages" }).getByRole("link", { name, exact: true });
const heading = (tab: Page) => tab.locator("main h1");

async function expectHeading(tab: Page, text: string) {
  await expect.poll(() => heading(tab).textContent(), { timeout: 15_000 }).toBe(text);
}

/** Waits until `locator` is visible (the page loads its data after the route renders). */
async function visible(locator: Locator, timeout = 15_000) {
  await locator.waitFor({ state: "visible", timeout });
  return locator;
}

/** Fills the new-employee form as an admin does. */
async function addEmployee(tab: Page, fields: { name: string; email: string; role: string; manager?: string; timezone: string }) {
  const form = tab.locator("form.employee-form");
  await form.getByLabel("Name").fill(fields.name);
  await form.getByLabel("Email").fill(fields.email);
  await form.getByLabel("Role").selectOption({ label: fields.role });
  if (fields.manager) await form.getByLabel("Manager").selectOption({ label: fields.manager });
  await form.getByLabel("Time zone").fill(fields.timezone);
  await form.getByRole("button", { name: "Create employee" }).click();
  await visible(form.getByRole("status").filter({ hasText: `${fields.name} was added.` }));
}

/** Issues a code from a person's page and reads it off the screen. */
async function issueCode(tab: Page, employeeId: string, button: "Issue extension code" | "Issue console code"): Promise<string> {
  await tab.goto(url(`/admin/employees/${employeeId}`));
  await (await visible(tab.getByRole("button", { name: button }))).click();
  return (await (await visible(tab.getByTestId("issued-code"))).textContent())!.trim();
}

async function createByApi(body: { name: string; email: string; role?: string; managerId?: string; timezone?: string }): Promise<string> {
  return (await api.expect(201, "POST", "/api/admin/employees", { ...asAdmin(), body })).json.id;
}

async function enrolByApi(employeeId: string): Promise<EnrolledEmployee> {
  const code = (await api.expect(201, "POST", `/api/admin/employees/${employeeId}/enrollment-codes`, { ...asAdmin(), body: { purpose: "extension" } })).json.code;
  return enrolWithCode(api, code, extensionOrigin, `10.0.0.${nextIp++}`);
}

/** Signs in with a console code in a fresh browser (the "I have a console code" tab). */
async function signInWithCode(code: string): Promise<Page> {
  const tab = await openBrowser();
  await tab.goto(url("/admin/"));
  await (await visible(tab.getByRole("tab", { name: "I have a console code" }))).click();
  await tab.getByRole("textbox", { name: "Console code" }).fill(code);
  await tab.getByRole("button", { name: "Register passkey" }).click();
  await expectHeading(tab, "Today");
  return tab;
}

async function dayStatus(employeeId: string, date: string): Promise<string> {
  const res = await api.expect(200, "GET", `/api/admin/reports/timesheet?from=${date}&to=${date}&employeeId=${employeeId}`, asAdmin());
  return res.json.items[0].status;
}

/** A small picture of a ticket, as a person would photograph one: a real PNG, drawn by Chromium. */
async function evidencePng(): Promise<Uint8Array> {
  const tab = await contexts[0]!.newPage();
  await tab.setViewportSize({ width: 360, height: 200 });
  await tab.setContent(
    `<body style="margin:0;font:20px sans-serif;background:#fffbe6"><div style="padding:24px;border:4px solid #c9a100;height:200px;box-sizing:border-box">` +
      `<b>IT ticket #4411</b><br>VPN outage, 08:40–10:15<br><small>Berlin office network</small></div></body>`,
  );
  const png = await tab.screenshot({ clip: { x: 0, y: 0, width: 360, height: 200 } });
  await tab.close();
  return new Uint8Array(png);
}

/** Enough of a PDF for the server's check of the first bytes; the console offers it as a download. */
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

beforeAll(async () => {
  if (!existsSync(join(CONSOLE_DIST, "admin/index.html"))) throw new Error(`no built console in ${CONSOLE_DIST}: run npm run build:console first`);
  tmp = mkdtempSync(join(tmpdir(), "clockwork-console-e2e-"));
  const log = join(tmp, "wrangler.log");
  // Snapshots of the Worker and the console: people rebuilding either meanwhile cannot change them mid-test.
  const bundle = await buildWorker("wrangler.toml", join(tmp, "build"), log);
  const assets = join(tmp, "assets");
  cpSync(CONSOLE_DIST, assets, { recursive: true });
  const state = join(tmp, "state");
  await wranglerRun(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state, "--config", "wrangler.toml"], log);
  setupToken = randomBytes(16).toString("base64url");
  const envFile = join(tmp, "worker.env");
  writeFileSync(
    envFile,
    [
      `SETUP_TOKEN=${setupToken}`,
      `NONCE_SECRET=${randomBytes(32).toString("base64url")}`,
      `RECEIPT_KEY='${JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }))}'`,
      "IP_GEO_SOURCE=none",
    ].join("\n") + "\n",
    { mode: 0o600 },
  );
  const port = await freePort();
  origin = `http://localhost:${port}`;
  server = await DevServer.start({
    config: "wrangler.toml",
    bundle,
    assets,
    port,
    persistTo: state,
    envFile,
    vars: { CONSOLE_ORIGIN: origin },
    logFile: log,
    healthPath: "/api/health",
  });
  api = new Api(server.url);
  extensionOrigin = readFileSync(join(ROOT, "wrangler.toml"), "utf8").match(/EXTENSION_ORIGINS\s*=\s*"([^",]+)/)![1]!;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: false,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=en-US"],
  });
  page = await openBrowser();
}, 300_000);

let failures = 0;
// What the admin's tab showed when a test failed, to see why.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail" && page) {
    mkdirSync(SHOTS, { recursive: true });
    const name = `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`;
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
    const waiting = [...inflight].map(([r, at]) => `  ${r.method()} ${r.url()} (${Math.round((Date.now() - at) / 1000)} s)`);
    writeFileSync(join(SHOTS, `${name}.txt`), `${page.url()}\nstill waiting:\n${waiting.join("\n")}\n`);
    failures += 1;
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.stop();
  // The Worker's log, kept beside the screenshots when something failed.
  if (tmp && failures > 0 && existsSync(join(tmp, "wrangler.log"))) copyFileSync(join(tmp, "wrangler.log"), join(SHOTS, "console-wrangler.log"));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe("the console, end to end", () => {
  it("sets up the first admin through the UI and signs in again with the passkey", async () => {
    await page.goto(url("/admin/"));
    await visible(page.getByRole("button", { name: "Sign in with a passkey" }));
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await capture(page, "sign-in");

    await page.getByRole("tab", { name: "First-run setup" }).click();
    await page.getByLabel("Setup token").fill("not-the-token");
    await page.getByLabel("Name").fill("Ada Admin");
    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByRole("button", { name: "Create admin and register passkey" }).click();
    await visible(page.getByRole("alert"));
    await capture(page, "setup-error");

    await page.getByLabel("Setup token").fill(setupToken);
    await page.getByRole("button", { name: "Create admin and register passkey" }).click();
    await expectHeading(page, "Today");
    await visible(page.locator(".who").getByText("Ada Admin"));

    // Signed out, then back in with the passkey the virtual authenticator now holds.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expectHeading(page, "Today");
    const cookie = (await page.context().cookies()).find((c) => c.name === "cw_session");
    expect(cookie?.httpOnly).toBe(true);
    adminCookie = `${cookie!.name}=${cookie!.value}`;
    ids.ada = (await api.expect(200, "GET", "/api/console/session", asAdmin())).json.employee.id;
    // Room for every request these tests file in one month.
    await api.expect(200, "PATCH", "/api/admin/settings", { ...asAdmin(), body: { corrections: { monthlyLimit: 20 } } });
  });

  it("adds people, and issues an extension code that is shown once and can be copied", async () => {
    await nav(page, "Employees").click();
    await expectHeading(page, "Employees");
    await addEmployee(page, { name: "Max Manager", email: "max@example.com", role: "Manager", timezone: ZONE });
    await addEmployee(page, { name: "Mei Lin", email: "mei@example.com", role: "Employee", manager: "Max Manager", timezone: ZONE });
    const rows = page.locator("main table tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    const meiLink = page.getByRole("link", { name: "Mei Lin", exact: true });
    ids.mei = (await meiLink.getAttribute("href"))!.split("/").pop()!;
    ids.max = (await page.getByRole("link", { name: "Max Manager", exact: true }).first().getAttribute("href"))!.split("/").pop()!;
    // The list names each manager; Mei's is Max.
    expect(await rows.filter({ hasText: "mei@example.com" }).textContent()).toContain("Max Manager");
    await page.getByRole("searchbox", { name: "Search by name or email" }).fill("mei");
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole("searchbox", { name: "Search by name or email" }).fill("");
    await capture(page, "employees");

    await meiLink.click();
    await expectHeading(page, "Mei Lin");
    await page.getByRole("button", { name: "Issue extension code" }).click();
    const code = (await (await visible(page.getByTestId("issued-code"))).textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9-]{8,}$/);
    await page.getByRole("button", { name: "Copy code" }).click();
    await visible(page.getByText("Copied", { exact: true }));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    await capture(page, "employee-code");
    // Employees get no console codes.
    expect(await page.getByRole("button", { name: "Issue console code" }).count()).toBe(0);

    mei = await enrolWithCode(api, code, extensionOrigin, "10.0.0.200", "Mei's laptop");
    expect(mei.employeeId).toBe(ids.mei);
    // Shown once: after a reload the code is gone, and the passkey it made is listed.
    await page.reload();
    await visible(page.getByRole("cell", { name: "Mei's laptop", exact: true }));
    expect(await page.getByTestId("issued-code").count()).toBe(0);
  });

  it("shows an employee's correction with its photo and day in the queue; approving it makes the day present", async () => {
    missedDay = pastWeekday(2);
    const png = await evidencePng();
    const inReq = await fileCorrection(api, mei, { date: missedDay, kind: "in", time: zonedInstant(missedDay, "09:00", ZONE), reason: "The VPN was down all morning." }, [
      { name: "ticket.png", bytes: png, type: "image/png" },
      { name: "it-confirmation.pdf", bytes: PDF, type: "application/pdf" },
    ]);
    expect(inReq.status, inReq.text).toBe(201);
    const outReq = await fileCorrection(api, mei, { date: missedDay, kind: "out", time: zonedInstant(missedDay, "18:00", ZONE), reason: "Same outage: the popup could not reach the server." });
    expect(outReq.status, outReq.text).toBe(201);
    expect(await dayStatus(ids.mei, missedDay)).toBe("absent");

    await nav(page, "Corrections").click();
    await expectHeading(page, "Corrections");
    const cards = page.getByTestId("correction");
    await expect.poll(() => cards.count()).toBe(2);
    const inCard = cards.filter({ hasText: "Missed clock-in" });
    await visible(inCard.getByText("The VPN was down all morning."));
    // The claimed time in Mei's zone, named: the viewer's browser is in Shanghai.
    expect(await inCard.locator("dd").first().textContent()).toMatch(/09:00.*(GMT\+1|GMT\+2|CET|CEST)/);
    // The photo inline (the evidence route, same origin, under the console's CSP), the PDF as a download.
    const img = await visible(inCard.getByRole("img", { name: "Evidence: ticket.png" }));
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBe(360);
    const pdf = inCard.getByRole("link", { name: /^Download it-confirmation\.pdf \(PDF/ });
    expect(await pdf.getAttribute("download")).toBe("it-confirmation.pdf");
    const pdfRes = await api.expect(200, "GET", (await pdf.getAttribute("href"))!, asAdmin());
    expect(pdfRes.headers.get("content-type")).toBe("application/pdf");
    // The day as it stands: no punches, the claimed time placed in it.
    await visible(inCard.getByText("No punches that day."));
    await visible(inCard.locator(".timeline .claimed"));
    await capture(page, "corrections");

    await inCard.getByLabel("Comment").fill("Seen the outage ticket, thanks.");
    await inCard.getByRole("button", { name: /^Approve/ }).click();
    await visible(inCard.locator(".badge.approved"));
    await visible(inCard.getByText("“Seen the outage ticket, thanks.”"));
    await visible(inCard.getByText("(from this request)"));
    const outCard = cards.filter({ hasText: "Missed clock-out" });
    await outCard.getByRole("button", { name: /^Approve/ }).click();
    await visible(outCard.locator(".badge.approved"));

    // The timesheet (the route, and the employee's page that shows it) now counts the day.
    expect(await dayStatus(ids.mei, missedDay)).toBe("present");
    await inCard.getByRole("link", { name: "Mei Lin" }).click();
    await expectHeading(page, "Mei Lin");
    await visible(page.locator(`tr[data-date="${missedDay}"]`).getByText("Present"));
    const punches = await api.expect(200, "GET", `/api/admin/punches?employeeId=${ids.mei}`, asAdmin());
    expect(punches.json.items.filter((p: { mode: string }) => p.mode === "correction")).toHaveLength(2);
  });

  it("accepts a flagged punch from the Flagged list, and rejects another after confirming", async () => {
    const first = await sendPunch(api, mei, { kind: "in", nonce: null, clientTime: Date.now() - 60 * 60_000, tz: ZONE });
    expect(first.json.punch).toMatchObject({ status: "flagged", reasons: expect.arrayContaining(["offline"]) });
    const second = await sendPunch(api, mei, { kind: "out", nonce: null, clientTime: Date.now() - 30 * 60_000, tz: ZONE, geo: { error: "denied" } });
    expect(second.json.punch.status).toBe("flagged");

    await page.goto(url("/admin/"));
    await expectHeading(page, "Today");
    // The queue of flagged punches waiting, and today's board counting Mei's flagged punches.
    await expect.poll(() => page.locator(".pill").nth(1).locator("strong").textContent()).toBe("2");
    await expect.poll(() => page.locator('[data-tile="flagged"] .tile-count').textContent()).toBe("1");
    await capture(page, "today");

    await nav(page, "Flagged punches").click();
    await expectHeading(page, "Flagged punches");
    const cards = page.getByTestId("flagged-punch");
    await expect.poll(() => cards.count()).toBe(2);
    const inCard = cards.filter({ hasText: "· Clock-in ·" });
    // Reasons in words, where and how it came.
    await visible(inCard.getByText("Sent later from the offline queue: the time rests on the device clock"));
    await visible(inCard.getByText("52.52, 13.405 (± 20 m)"));
    await visible(inCard.getByText("10.0.0.200"));
    await visible(inCard.getByText("Offline queue", { exact: true }));
    await visible(cards.filter({ hasText: "· Clock-out ·" }).getByText("The employee did not allow location."));
    await capture(page, "flagged");

    await inCard.getByLabel("Comment").fill("On the train, no signal.");
    await inCard.getByRole("button", { name: /^Accept/ }).click();
    await visible(inCard.getByText(/^Accepted on .* by/));
    await visible(inCard.getByText("“On the train, no signal.”"));

    const outCard = cards.filter({ hasText: "· Clock-out ·" });
    await outCard.getByRole("button", { name: /^Reject/ }).click();
    const dialog = await visible(page.getByRole("dialog", { name: "Reject Mei Lin's punch?" }));
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await expectAccessible(page, "flagged-reject-dialog");
    await dialog.getByRole("button", { name: "Reject" }).click();
    await visible(outCard.getByText(/^Rejected on .* by/));

    const reviewed = await api.expect(200, "GET", `/api/admin/punches?employeeId=${ids.mei}&status=flagged`, asAdmin());
    expect(reviewed.json.items).toHaveLength(0);
    expect((await api.expect(200, "GET", `/api/admin/punches?employeeId=${ids.mei}`, asAdmin())).json.items.find((p: { id: string }) => p.id === first.json.punch.id)).toMatchObject({
      status: "accepted",
      review: { decision: "accept", by: ids.ada, comment: "On the train, no signal." },
    });
  });

  it("enters a manual punch from the employee's page, in the employee's zone", async () => {
    await page.goto(url(`/admin/employees/${ids.mei}`));
    await expectHeading(page, "Mei Lin");
    // Ten minutes ago, to the minute, on Berlin's wall clock.
    const at = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
    const [date, time] = [localDate(at, ZONE), new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at)];
    const form = page.locator("form.manual-punch");
    await visible(form.getByText(`Time zone: ${ZONE}.`));
    await form.getByLabel("Kind").selectOption({ label: "Out" });
    await form.getByLabel("Date").fill(date);
    await form.getByLabel(`Time (${ZONE})`).fill(time);
    await form.getByLabel("Reason").fill("Left in a hurry, forgot to clock out.");
    await form.getByRole("button", { name: "Enter punch" }).click();
    await visible(form.getByRole("status").filter({ hasText: "Punch entered: Out at" }));
    await visible(page.getByRole("table", { name: "Punches of Mei Lin" }).getByRole("cell", { name: "Manual" }));

    const punches = await api.expect(200, "GET", `/api/admin/punches?employeeId=${ids.mei}`, asAdmin());
    expect(punches.json.items.find((p: { mode: string }) => p.mode === "manual")).toMatchObject({
      kind: "out",
      effectiveTime: at,
      note: "Left in a hurry, forgot to clock out.",
      createdBy: ids.ada,
    });
    await capture(page, "employee");
  });

  it("keeps a URL per page: deep links, reloads and the back button", async () => {
    await page.goto(url(`/admin/employees/${ids.mei}`));
    await expectHeading(page, "Mei Lin");
    await nav(page, "Corrections").click();
    await expectHeading(page, "Corrections");
    expect(new URL(page.url()).pathname).toBe("/admin/corrections");
    // After a navigation the new page's heading has the focus.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    expect(await nav(page, "Corrections").getAttribute("aria-current")).toBe("page");

    // Filters live in the URL.
    await page.getByLabel("Status").selectOption({ label: "Approved" });
    await expect.poll(() => new URL(page.url()).search).toBe("?status=approved");
    await expect.poll(() => page.getByTestId("correction").count()).toBe(2);

    await page.goBack();
    await expectHeading(page, "Mei Lin");
    expect(new URL(page.url()).pathname).toBe(`/admin/employees/${ids.mei}`);
    await page.goForward();
    await expectHeading(page, "Corrections");
    expect(await page.getByLabel("Status").inputValue()).toBe("approved");

    // A deep link with filters, opened cold.
    await page.goto(url(`/admin/punches?status=accepted&employee=${ids.mei}`));
    await expectHeading(page, "Punches");
    expect(await page.getByLabel("Status").inputValue()).toBe("accepted");
    expect(await page.getByLabel("Employee").inputValue()).toBe(ids.mei);
    await visible(page.getByRole("cell", { name: "Correction" }).first());
    expect(await page.getByRole("cell", { name: "Flagged", exact: true }).count()).toBe(0);
    await page.getByLabel("Status").selectOption({ label: "All" });
    await capture(page, "punches");

    await page.goto(url("/admin/no-such-page"));
    await expectHeading(page, "Page not found");
    await expectAccessible(page, "not-found");
  });

  it("sets up a site, a network, a schedule, holidays and settings in the Rules pages", async () => {
    await nav(page, "Rules").click();
    await expectHeading(page, "Sites and places");
    await page.getByRole("button", { name: "Add a site" }).click();
    const siteForm = page.locator("form.circle-form");
    // Offline here: the map gives way to one quiet line, and the fields work without it.
    await visible(siteForm.getByText("The map is not available here"));
    await siteForm.getByLabel("Name").fill("Berlin office");
    // A "lat, lon" pasted into the first field fills both.
    await siteForm.getByLabel("Latitude").fill("52.52, 13.405");
    expect(await siteForm.getByLabel("Longitude").inputValue()).toBe("13.405");
    await siteForm.getByLabel("Radius (metres)").fill("0");
    await siteForm.getByRole("button", { name: "Add a site" }).click();
    await visible(siteForm.getByText("A whole number of metres from 1 to 100,000."));
    await siteForm.getByLabel("Radius (metres)").fill("300");
    await capture(page, "rules-site-form");
    await siteForm.getByRole("button", { name: "Add a site" }).click();
    await visible(page.getByRole("cell", { name: "Berlin office", exact: true }));
    const sites = await api.expect(200, "GET", "/api/admin/sites", asAdmin());
    expect(sites.json.items).toEqual([expect.objectContaining({ name: "Berlin office", lat: 52.52, lon: 13.405, radiusM: 300, employeeIds: null })]);
    await capture(page, "rules-sites");

    await page.getByRole("navigation", { name: "Rules" }).getByRole("link", { name: "Networks" }).click();
    await expectHeading(page, "Networks");
    await page.getByRole("button", { name: "Add a network" }).click();
    await page.getByLabel("Name").fill("Office VPN");
    const cidr = page.getByLabel("Range (CIDR)");
    await cidr.fill("10.0.0.0/33");
    await visible(page.getByText("Not a CIDR range yet"));
    expect(await page.locator("form.subform button[type=submit]").isDisabled()).toBe(true);
    await cidr.fill("10.0.0.0/8");
    await page.getByLabel("Only the people chosen").check();
    await page.locator(".people-picker").getByLabel("Max Manager").check();
    await page.locator("form.subform").getByRole("button", { name: "Add a network" }).click();
    await visible(page.getByRole("cell", { name: "10.0.0.0/8", exact: true }));
    expect((await api.expect(200, "GET", "/api/admin/networks", asAdmin())).json.items).toEqual([
      expect.objectContaining({ name: "Office VPN", cidr: "10.0.0.0/8", employeeIds: [ids.max] }),
    ]);
    await capture(page, "rules-networks");

    await page.getByRole("navigation", { name: "Rules" }).getByRole("link", { name: "Schedules" }).click();
    await expectHeading(page, "Schedules");
    await page.getByRole("button", { name: "Add a schedule" }).click();
    const editor = page.locator(".schedule-editor");
    await editor.getByLabel("Name").fill("Office hours");
    await editor.getByLabel("End on Friday").fill("16:00");
    await editor.getByLabel("Saturday", { exact: true }).check();
    await editor.getByLabel("Start on Saturday").fill("22:00");
    await editor.getByLabel("End on Saturday").fill("04:00");
    await visible(editor.locator('tr[data-weekday="6"]').getByText("Overnight: ends the next day"));
    await editor.getByLabel("Grace for arriving (minutes)").fill("10");
    await page.locator(".people-picker").getByLabel("Mei Lin").check();
    await capture(page, "rules-schedule-editor");
    await page.getByRole("button", { name: "Add a schedule" }).last().click();
    await visible(page.getByRole("cell", { name: "Office hours", exact: true }));
    await visible(page.getByRole("cell", { name: /Mon–Thu 09:00–18:00, Fri 09:00–16:00, Sat 22:00–04:00/ }));
    const schedule = (await api.expect(200, "GET", "/api/admin/schedules", asAdmin())).json.items[0];
    expect(schedule).toMatchObject({ name: "Office hours", kind: "fixed", graceLateMin: 10, earliestInMin: 60 });
    expect(schedule.days).toContainEqual({ weekday: 6, start: "22:00", end: "04:00" });
    expect((await api.expect(200, "GET", `/api/admin/employees/${ids.mei}`, asAdmin())).json.scheduleId).toBe(schedule.id);
    // Followed by someone: it cannot be removed, and says why.
    await visible(page.getByText("In use: move its people first"));
    await capture(page, "rules-schedules");

    await page.getByRole("navigation", { name: "Rules" }).getByRole("link", { name: "Holidays" }).click();
    await expectHeading(page, "Holidays");
    const next = String(new Date().getFullYear() + 1);
    await page.getByLabel("Year", { exact: true }).selectOption(next);
    await visible(page.getByText(`No holidays in ${next}.`));
    await page.getByLabel("Or paste the list here").fill(`date,name\n${next}-01-01,New Year's Day\n${next}-02-30,Nope\n`);
    await page.getByRole("button", { name: "Read the list" }).click();
    await visible(page.getByText("Line 3: not a date (YYYY-MM-DD) (" + next + "-02-30)"));
    expect(await page.getByRole("button", { name: /^Import \d+ holidays$/ }).isDisabled()).toBe(true);
    await page.getByLabel("Or paste the list here").fill(`date,name\n${next}-01-01,New Year's Day\n${next}-05-01,Labour Day\n`);
    await page.getByRole("button", { name: "Read the list" }).click();
    await page.getByRole("button", { name: "Import 2 holidays" }).click();
    await visible(page.getByText("Imported: 2 added, 0 renamed, 0 removed."));
    const addForm = page.locator("section", { has: page.getByRole("heading", { name: "Add a holiday" }) });
    await addForm.getByLabel("Date").fill(`${next}-12-25`);
    await addForm.getByLabel("Name").fill("Christmas Day");
    await addForm.getByRole("button", { name: "Add" }).click();
    await expect.poll(() => page.locator("main table tbody tr").count()).toBe(3);
    expect((await api.expect(200, "GET", `/api/admin/holidays?year=${next}`, asAdmin())).json.items.map((h: { name: string }) => h.name)).toEqual([
      "New Year's Day",
      "Labour Day",
      "Christmas Day",
    ]);
    await capture(page, "rules-holidays");

    await page.getByRole("navigation", { name: "Rules" }).getByRole("link", { name: "Settings" }).click();
    await expectHeading(page, "Settings");
    // Each reason in words, with what it means.
    await visible(page.getByText("The passkey is synced to a cloud account (it can be on more than one device)."));
    await page.getByLabel("Offline window (hours)").fill("96");
    await page.getByLabel("Outcome for: Signed with a synced passkey").selectOption({ label: "Flag for review" });
    await page.getByLabel("Passkeys per person").fill("99");
    await page.getByRole("button", { name: "Save settings" }).click();
    await visible(page.getByText("Fix the marked fields."));
    await page.getByLabel("Passkeys per person").fill("4");
    await page.getByRole("button", { name: "Save settings" }).click();
    await visible(page.getByText("Saved.", { exact: true }));
    expect((await api.expect(200, "GET", "/api/admin/settings", asAdmin())).json).toMatchObject({
      offlineWindowHours: 96,
      maxDevicesPerEmployee: 4,
      outcomes: { synced_passkey: "flag", offline: "flag" },
    });
    await capture(page, "rules-settings");
  });

  it("imports employees from a CSV, marking each bad row before anything is written, then writes them at once", async () => {
    await nav(page, "Employees").click();
    await expectHeading(page, "Employees");
    await page.getByRole("link", { name: "Import from CSV" }).click();
    await expectHeading(page, "Import employees");
    const before = (await api.expect(200, "GET", "/api/admin/employees", asAdmin())).json.items.length;
    const csv = [
      "Full name,Email,Role,Manager email,Schedule,Time zone",
      "Li Wei,li.wei@example.com,employee,ada@example.com,Office hours,Asia/Shanghai",
      '"Kim, Sara",sara@example.com,,,,Europe/Berlin',
      "Tom Berg,mei@example.com,,,,",
      "Ola Nord,ola@example,boss,,Night shift,Mars/Base",
    ].join("\n");
    await page.locator('input[type="file"]').setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await visible(page.getByText("4 rows read."));
    expect(await page.getByLabel("Manager email").inputValue()).toBe("3");
    await page.getByRole("button", { name: "Check 4 rows" }).click();
    await visible(page.getByTestId("import-verdict").getByText("2 of 4 rows have problems"));
    const preview = page.locator("table.import-preview tbody tr");
    expect(await preview.nth(0).getAttribute("class")).toBeNull();
    expect(await preview.nth(2).getAttribute("class")).toBe("bad-row");
    await visible(preview.nth(2).getByText("Email: an employee with this email exists"));
    await visible(preview.nth(3).getByText("Role: not one of employee, manager, auditor, admin"));
    await visible(preview.nth(3).getByText("Schedule: no schedule with this name"));
    expect(await page.getByRole("button", { name: "Import 4 employees" }).isDisabled()).toBe(true);
    // The check wrote nothing.
    expect((await api.expect(200, "GET", "/api/admin/employees", asAdmin())).json.items).toHaveLength(before);
    await capture(page, "import-preview");

    const fixed = csv.split("\n").slice(0, 3).concat("Tom Berg,tom@example.com,manager,,,").join("\n");
    await page.getByLabel("Or paste the rows here").fill(fixed);
    await page.getByRole("button", { name: "Read rows" }).click();
    await page.getByRole("button", { name: "Check 3 rows" }).click();
    await visible(page.getByText("All 3 rows can be imported."));
    await page.getByRole("button", { name: "Import 3 employees" }).click();
    await visible(page.getByRole("heading", { name: "3 employees imported" }));
    const people = (await api.expect(200, "GET", "/api/admin/employees", asAdmin())).json.items as { name: string; email: string; role: string; managerId: string | null; scheduleId: string | null; timezone: string | null }[];
    expect(people).toHaveLength(before + 3);
    const schedule = (await api.expect(200, "GET", "/api/admin/schedules", asAdmin())).json.items[0];
    expect(people.find((p) => p.email === "li.wei@example.com")).toMatchObject({ name: "Li Wei", role: "employee", managerId: ids.ada, scheduleId: schedule.id, timezone: "Asia/Shanghai" });
    expect(people.find((p) => p.email === "sara@example.com")).toMatchObject({ name: "Kim, Sara", role: "employee", managerId: null });
    expect(people.find((p) => p.email === "tom@example.com")).toMatchObject({ role: "manager" });
    await capture(page, "import-done");

    // A code for one of them, from their page.
    await page.getByRole("link", { name: "Li Wei" }).click();
    await expectHeading(page, "Li Wei");
    await page.getByRole("button", { name: "Issue extension code" }).click();
    expect((await (await visible(page.getByTestId("issued-code"))).textContent())!.trim()).toMatch(/^[A-Z0-9-]{8,}$/);
  });

  it("edits a profile and approves a remote place from the employee's page", async () => {
    const sara = (await api.expect(200, "GET", "/api/admin/employees?q=sara", asAdmin())).json.items[0];
    await page.goto(url(`/admin/employees/${sara.id}`));
    await expectHeading(page, "Kim, Sara");
    await page.getByRole("button", { name: "Edit profile" }).click();
    const form = page.locator("form.profile-form");
    await form.getByLabel("Name").fill("Sara Kim");
    await form.getByLabel("Manager").selectOption({ label: "Max Manager" });
    await form.getByLabel("Schedule").selectOption({ label: "Office hours" });
    await form.getByRole("button", { name: "Save" }).click();
    await expectHeading(page, "Sara Kim");
    await visible(page.getByText("Profile saved."));
    expect((await api.expect(200, "GET", `/api/admin/employees/${sara.id}`, asAdmin())).json).toMatchObject({ name: "Sara Kim", managerId: ids.max });

    await page.getByRole("button", { name: "Add a place" }).click();
    const placeForm = page.locator("form.circle-form");
    await placeForm.getByLabel("Name").fill("Home office");
    await placeForm.getByLabel("Latitude").fill("52.4");
    await placeForm.getByLabel("Longitude").fill("13.2");
    await placeForm.getByLabel("Radius (metres)").fill("150");
    await placeForm.getByRole("button", { name: "Add a place" }).click();
    await visible(page.getByRole("cell", { name: "Home office", exact: true }));
    expect((await api.expect(200, "GET", `/api/admin/employees/${sara.id}/locations`, asAdmin())).json.items).toEqual([
      expect.objectContaining({ name: "Home office", lat: 52.4, lon: 13.2, radiusM: 150 }),
    ]);
    // Her last 30 days, with totals.
    await visible(page.getByRole("heading", { name: "Last 30 days" }));
    await visible(page.locator(".figures").getByText("Days present"));

    // Deactivating asks first, and can be undone.
    await page.getByRole("button", { name: "Deactivate" }).click();
    await page.getByRole("dialog", { name: "Deactivate Sara Kim?" }).getByRole("button", { name: "Deactivate" }).click();
    await visible(page.getByRole("button", { name: "Reactivate" }));
    await page.getByRole("button", { name: "Reactivate" }).click();
    await visible(page.getByRole("button", { name: "Edit profile" }));
    expect((await api.expect(200, "GET", `/api/admin/employees/${sara.id}`, asAdmin())).json.active).toBe(true);
  });

  it("shows an extension punch on Today within the minute, and opens it in Punches", async () => {
    // A tab whose timers the test can hurry: the board asks again every minute by itself.
    const board = await page.context().newPage();
    await board.clock.install();
    await board.goto(url("/admin/"));
    await expectHeading(board, "Today");
    const meiRow = board.locator(`tr[data-employee="${ids.mei}"]`);
    await visible(meiRow);
    const { nonce } = (await api.expect(200, "GET", "/api/punch/nonce", { ip: mei.ip })).json;
    const sent = await sendPunch(api, mei, { kind: "in", nonce, tz: ZONE });
    expect(sent.status, sent.text).toBe(201);
    const punchId = (meiPunchId = sent.json.punch.id as string);
    expect(await meiRow.locator(`a[href="/admin/punches/${punchId}"]`).count()).toBe(0);
    await board.clock.fastForward(61_000);
    // No reload, no flicker: the row is replaced in place.
    await visible(meiRow.locator(`a[href="/admin/punches/${punchId}"]`));
    await visible(meiRow.getByText("In", { exact: true }));
    await board.close();

    await page.goto(url("/admin/"));
    await expectHeading(page, "Today");
    await page.locator('[data-tile="in"]').click();
    await expect.poll(() => new URL(page.url()).search).toBe("?show=in");
    await expect.poll(() => page.locator("main table tbody tr").count()).toBe(1);
    await capture(page, "today-in");

    await nav(page, "Punches").click();
    await expectHeading(page, "Punches");
    await page.getByLabel("Employee").selectOption({ label: "Mei Lin" });
    await page.getByLabel("Mode").selectOption({ label: "Online" });
    await expect.poll(() => new URL(page.url()).searchParams.get("mode")).toBe("online");
    await page.locator(`a[href="/admin/punches/${punchId}"]`).click();
    await expectHeading(page, "Mei Lin: Clock-in");
    await visible(page.getByTestId("verdict"));
    await visible(page.getByText("52.52, 13.405 (± 20 m)"));
    await visible(page.getByText("Mei's laptop"));
    await visible(page.locator("pre.json").getByText(`"punchId": "${punchId}"`));
    await capture(page, "punch");

    // The filter exports as CSV, the same filter, over the 365 days up to today (no dates chosen).
    await page.goBack();
    await expectHeading(page, "Punches");
    const [request, download] = await Promise.all([
      page.waitForRequest((r) => r.url().includes("/api/admin/punches?") && r.url().includes("format=csv")),
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const asked = new URL(request.url()).searchParams;
    expect(asked.get("employeeId")).toBe(ids.mei);
    expect(asked.get("mode")).toBe("online");
    expect(Number(asked.get("to")) - Number(asked.get("from"))).toBeLessThanOrEqual(366 * 86_400_000);
    expect(download.suggestedFilename()).toMatch(/^punches-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(2);
    expect(csv).toContain(punchId);
  });

  it("reports a range: the summary to paste, charts, and the timesheet CSV download", async () => {
    const to = localDate(Date.now(), VIEWER_ZONE);
    const from = addDays(to, -13);
    await page.goto(url(`/admin/reports?from=${from}&to=${to}`));
    await expectHeading(page, "Reports");
    const summary = page.getByTestId("summary");
    await visible(summary.getByRole("link", { name: "Mei Lin" }));
    // Both charts drawn (uPlot's canvas), named for screen readers.
    await expect.poll(() => page.locator("figure.chart canvas").count()).toBe(2);
    await visible(page.getByRole("img", { name: /Bar chart of hours worked per day/ }));
    await visible(page.locator("details.timesheet-group summary", { hasText: "Mei Lin" }));
    await page.getByRole("button", { name: "Copy for a spreadsheet" }).click();
    const pasted = await page.evaluate(() => navigator.clipboard.readText());
    expect(pasted.split("\n")[0]).toBe("Employee\tWork days\tDays present\tLate arrivals\tMinutes late\tEarly leaves\tMinutes left early\tAbsences\tIncomplete\tHoliday\tWorked (h)\tOvertime (h)\tFlagged");
    expect(pasted).toContain("Mei Lin\t");
    await capture(page, "reports");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Timesheet CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`timesheet-${from}-to-${to}.csv`);
    const text = readFileSync((await download.path())!, "utf8");
    expect(text.startsWith("\uFEFFemployeeId,employeeName,timezone,date,status")).toBe(true);
    expect(text).toContain(`"${ids.mei}","Mei Lin","${ZONE}","${missedDay}","present"`);
  });

  it("creates an API key shown once, and revokes it after confirming", async () => {
    await nav(page, "API keys").click();
    await expectHeading(page, "API keys");
    await page.getByLabel("Label").fill("Payroll export");
    await page.getByLabel("Role").selectOption({ label: "Auditor" });
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await (await visible(page.getByTestId("api-key"))).textContent())!.trim();
    expect(key).toMatch(/^cwk_/);
    const withKey = () => fetch(url("/api/admin/employees"), { headers: { Authorization: `Bearer ${key}` } });
    expect((await withKey()).status).toBe(200);
    await visible(page.getByRole("cell", { name: "Payroll export", exact: true }));
    await capture(page, "api-keys");
    await page.reload();
    expect(await page.getByTestId("api-key").count()).toBe(0);

    await page.getByRole("button", { name: "Revoke the key “Payroll export”" }).click();
    await page.getByRole("dialog", { name: "Revoke the key “Payroll export”?" }).getByRole("button", { name: "Revoke" }).click();
    await visible(page.locator("main table").getByText("Revoked"));
    expect((await withKey()).status).toBe(401);
  });

  it("shows the audit log newest first, filtered, each entry's details, and checks the chain", async () => {
    await nav(page, "Audit log").click();
    await expectHeading(page, "Audit log");
    const entries = page.locator(".audit-entry");
    await expect.poll(() => entries.first().getAttribute("data-action")).toBe("api_key.revoked");
    await page.getByLabel("Action").selectOption({ label: "Schedules" });
    await expect.poll(() => new URL(page.url()).searchParams.get("action")).toBe("schedule.");
    await expect.poll(() => entries.count()).toBe(1);
    await entries.first().locator("summary").click();
    await visible(entries.first().locator("pre.json").getByText('"name": "Office hours"'));
    await page.getByLabel("Action").selectOption({ label: "Any action" });
    await page.getByRole("button", { name: "Check the chain" }).click();
    await visible(page.getByTestId("chain-result").getByText(/^The chain holds: \d+ entries checked/));
    await capture(page, "audit");
  });

  it("reads an archived month: its parts with their SHA-256, its punches by person, and the download", async () => {
    // A punch entered long after the fact, then retention with punches kept one month: its month moves to R2.
    const old = Date.now() - 100 * 86_400_000;
    const entered = await api.expect(201, "POST", "/api/admin/punches", { ...asAdmin(), body: { employeeId: ids.mei, kind: "in", time: old, reason: "Paper timesheet from the summer" } });
    // (A month goes only once it is past the location and IP days too: those are one day here.)
    await api.expect(200, "PATCH", "/api/admin/settings", { ...asAdmin(), body: { retention: { punchMonths: 1, locationDays: 1, ipDays: 1 } } });
    const ran = await api.expect(200, "POST", "/api/admin/maintenance", asAdmin());
    await api.expect(200, "PATCH", "/api/admin/settings", { ...asAdmin(), body: { retention: { punchMonths: 36, locationDays: 90, ipDays: 90 } } });
    expect(ran.json.retention.archived).toMatchObject({ punches: 1 });
    const month = ran.json.retention.archived.month as string;
    const listed = (await api.expect(200, "GET", "/api/admin/archive", asAdmin())).json.items;
    const part = listed.find((m: { month: string }) => m.month === month).parts[0];

    // From the audit log, where the archive is named.
    await nav(page, "Audit log").click();
    await expectHeading(page, "Audit log");
    await page.getByRole("link", { name: "Older punches: archived months" }).click();
    await expectHeading(page, "Archived months");
    const row = page.locator(`tr[data-month="${month}"]`);
    await visible(row.getByText(`SHA-256 ${part.sha256}`));
    expect(await row.getByRole("link", { name: `Download ${month}` }).getAttribute("href")).toBe(`/api/admin/archive/${month}`);
    await row.getByRole("button", { name: `Show ${month}` }).click();
    await visible(page.getByRole("heading", { name: `Punches of ${month}` }));
    const punchRow = page.locator(`tr[data-punch="${entered.json.punch.id}"]`);
    await visible(punchRow.getByText("Mei Lin"));
    await visible(punchRow.getByText("Manual", { exact: true }));
    await page.getByLabel("Employee").selectOption({ label: "Max Manager" });
    await visible(page.getByText("No punches of this person in this month."));
    await page.getByLabel("Employee").selectOption({ label: "Everyone" });
    await visible(punchRow);
    await capture(page, "archive");
    // Gone from the punches in D1, still in the month as stored.
    await api.expect(404, "GET", `/api/admin/punches/${entered.json.punch.id}`, asAdmin());
    const stored = await api.call("GET", `/api/admin/archive/${month}`, asAdmin());
    expect(stored.text.trim().split("\n").map((line: string) => JSON.parse(line).id)).toContain(entered.json.punch.id);
  });

  it("switches to Simplified Chinese and remembers it; a Chinese browser starts in Chinese", async () => {
    await page.goto(url("/admin/corrections?status=all"));
    await expectHeading(page, "Corrections");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await expectHeading(page, "补卡申请");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await visible(page.getByRole("navigation", { name: "控制台页面" }).getByRole("link", { name: "员工" }));
    await visible(page.getByTestId("correction").first().locator(".badge", { hasText: "已批准" }));
    await page.reload();
    await expectHeading(page, "补卡申请");
    await capture(page, "corrections-zh");
    await page.goto(url("/admin/punches"));
    await expectHeading(page, "打卡记录");
    await visible(page.locator("main table").getByText("稍后从离线队列发送：时间以设备时钟为准").first());
    await capture(page, "punches-zh");
    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await expectHeading(page, "Punches");

    const chinese = await openBrowser("zh-CN");
    await chinese.goto(url("/admin/"));
    await visible(chinese.getByRole("button", { name: "使用通行密钥登录" }));
    expect(await chinese.locator("html").getAttribute("lang")).toBe("zh-CN");
    await capture(chinese, "sign-in-zh");
  });

  it("shows a manager only their team, with write controls only for people whose role is employee", async () => {
    // Nia (a manager) reports to Max; Olga reports to nobody. Each has a pending request, Mei another.
    ids.nia = await createByApi({ name: "Nia Lead", email: "nia@example.com", role: "manager", managerId: ids.max, timezone: ZONE });
    ids.olga = await createByApi({ name: "Olga Outside", email: "olga@example.com", timezone: ZONE });
    let otherDay = addDays(missedDay, -1);
    while (isoWeekday(otherDay) > 5) otherDay = addDays(otherDay, -1);
    for (const [who, person] of [
      ["nia", await enrolByApi(ids.nia)],
      ["olga", await enrolByApi(ids.olga)],
      ["mei", mei],
    ] as const) {
      const res = await fileCorrection(api, person, { date: otherDay, kind: "in", time: zonedInstant(otherDay, "09:30", ZONE), reason: `${who}: forgot to clock in` });
      expect(res.status, res.text).toBe(201);
    }

    const code = await issueCode(page, ids.max, "Issue console code");
    const manager = await signInWithCode(code);
    await visible(manager.locator(".who").getByText("Max Manager"));

    await nav(manager, "Employees").click();
    await expectHeading(manager, "Employees");
    await visible(manager.getByRole("heading", { name: "Your team" }));
    const rows = manager.locator("main table tbody tr");
    // Mei and Nia, and Sara, moved onto Max's team from her page.
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.allTextContents()).toEqual([expect.stringContaining("Mei Lin"), expect.stringContaining("Nia Lead"), expect.stringContaining("Sara Kim")]);
    expect(await manager.getByRole("heading", { name: "Add an employee" }).count()).toBe(0);
    expect(await manager.getByRole("link", { name: "Import from CSV" }).count()).toBe(0);

    // Today: the team only. No audit log, no API keys, no settings; rules to read.
    await nav(manager, "Today").click();
    await expectHeading(manager, "Today");
    await expect.poll(() => manager.locator("main table tbody tr").count()).toBe(3);
    for (const name of ["Audit log", "API keys"]) expect(await nav(manager, name).count()).toBe(0);
    await capture(manager, "manager-today");
    await nav(manager, "Rules").click();
    await expectHeading(manager, "Sites and places");
    await visible(manager.getByText("You can read the rules; only admins change them."));
    await visible(manager.getByRole("cell", { name: "Berlin office", exact: true }));
    expect(await manager.getByRole("button", { name: "Add a site" }).count()).toBe(0);
    expect(await manager.getByRole("navigation", { name: "Rules" }).getByRole("link", { name: "Settings" }).count()).toBe(0);
    await manager.goto(url("/admin/rules/settings"));
    await visible(manager.getByText("Managers have no settings."));
    await manager.goto(url("/admin/audit"));
    await visible(manager.getByText("Only admins and auditors read the audit log."));

    // Mei (role employee): codes for the extension only, revoke, manual punch.
    await nav(manager, "Employees").click();
    await expectHeading(manager, "Employees");
    await manager.getByRole("link", { name: "Mei Lin" }).click();
    await expectHeading(manager, "Mei Lin");
    await visible(manager.getByRole("button", { name: "Issue extension code" }));
    await visible(manager.getByRole("button", { name: /^Revoke/ }));
    await visible(manager.getByRole("button", { name: "Enter punch" }));
    await visible(manager.getByRole("button", { name: "Edit profile" }));
    await visible(manager.getByRole("button", { name: "Add a place" }));
    expect(await manager.getByRole("button", { name: "Issue console code" }).count()).toBe(0);
    // Managers change no email and no role.
    await manager.getByRole("button", { name: "Edit profile" }).click();
    expect(await manager.locator("form.profile-form").getByLabel("Email").count()).toBe(0);
    expect(await manager.locator("form.profile-form").getByLabel("Role").count()).toBe(0);
    await manager.locator("form.profile-form").getByRole("button", { name: "Cancel" }).click();

    // Nia (role manager): read only.
    await manager.goto(url(`/admin/employees/${ids.nia}`));
    await expectHeading(manager, "Nia Lead");
    await visible(manager.getByRole("cell", { name: "Work laptop" }));
    for (const name of ["Issue extension code", "Enter punch", /^Revoke/, "Edit profile", "Add a place", "Deactivate"]) expect(await manager.getByRole("button", { name }).count()).toBe(0);

    // The queue: their team's requests only; decisions only for Mei's.
    await manager.goto(url("/admin/corrections"));
    await expectHeading(manager, "Corrections");
    const cards = manager.getByTestId("correction");
    await expect.poll(() => cards.count()).toBe(2);
    expect(await cards.filter({ hasText: "Olga" }).count()).toBe(0);
    await visible(cards.filter({ hasText: "Mei Lin" }).getByRole("button", { name: /^Approve/ }));
    const niaCard = cards.filter({ hasText: "Nia Lead" });
    expect(await niaCard.getByRole("button").count()).toBe(0);
    await visible(niaCard.getByText("Only an admin decides for someone whose role is Manager."));
    await capture(manager, "manager-corrections");

    // Someone outside the team is out of reach by URL too.
    await manager.goto(url(`/admin/employees/${ids.olga}`));
    await visible(manager.getByRole("alert"));
    await expectAccessible(manager, "manager-outside-team");
  });

  it("shows an auditor everything and no control that would change anything", async () => {
    ids.aude = await createByApi({ name: "Aude Auditor", email: "aude@example.com", role: "auditor", timezone: ZONE });
    const code = await issueCode(page, ids.aude, "Issue console code");
    const auditor = await signInWithCode(code);
    // Buttons an auditor may see: none of them changes anything (filters that press are left out below).
    const harmless = new Set(["Menu", "Sign out", "Refresh", "Show more", "Try again", "Check the chain", "Copy for a spreadsheet", "This month", "Last month", "Copy receipt", "Clear filters", "Export CSV"]);
    for (const [path, title] of [
      ["/admin/", "Today"],
      ["/admin/employees", "Employees"],
      [`/admin/employees/${ids.mei}`, "Mei Lin"],
      ["/admin/corrections?status=all", "Corrections"],
      [`/admin/corrections?employee=${ids.olga}`, "Corrections"],
      ["/admin/flagged", "Flagged punches"],
      ["/admin/punches", "Punches"],
      [`/admin/punches/${meiPunchId}`, "Mei Lin: Clock-in"],
      ["/admin/rules/sites", "Sites and places"],
      ["/admin/rules/networks", "Networks"],
      ["/admin/rules/schedules", "Schedules"],
      ["/admin/rules/holidays", "Holidays"],
      ["/admin/rules/settings", "Settings"],
      ["/admin/reports", "Reports"],
      ["/admin/audit", "Audit log"],
    ] as const) {
      await auditor.goto(url(path));
      await expectHeading(auditor, title);
      await auditor.waitForLoadState("networkidle");
      const buttons = await auditor
        .getByRole("button")
        .evaluateAll((els) => els.filter((el) => !el.hasAttribute("aria-pressed")).map((el) => (el.getAttribute("aria-label") ?? el.textContent ?? "").trim()));
      expect(buttons.filter((name) => !harmless.has(name)), path).toEqual([]);
      // Fields only to filter what is shown (dates, search), never to write.
      const fields = await auditor.locator("main form, main textarea, main input").evaluateAll((els) => els.filter((el) => !el.closest(".filters") && (el as HTMLInputElement).type !== "search").length);
      expect(fields, path).toBe(0);
      await expectAccessible(auditor, `auditor ${path}`);
    }
    expect(await nav(auditor, "API keys").count()).toBe(0);
    // Settings to read, each outcome in words.
    await auditor.goto(url("/admin/rules/settings"));
    await visible(auditor.locator('tr[data-reason="synced_passkey"]').getByText("Flag for review"));
    await capture(auditor, "auditor-settings");
    // The whole company's data is there to read.
    await auditor.goto(url("/admin/employees"));
    await expect.poll(() => auditor.locator("main table tbody tr").count()).toBe(9);
    await auditor.goto(url(`/admin/corrections?employee=${ids.olga}`));
    await visible(auditor.getByTestId("correction").getByText("olga: forgot to clock in"));
    await capture(auditor, "auditor-corrections");
  });

  it("folds the navigation into a menu on a phone", async () => {
    await page.setViewportSize(PHONE);
    await page.goto(url("/admin/"));
    await expectHeading(page, "Today");
    expect(await nav(page, "Corrections").isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    expect(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded")).toBe("true");
    await expectAccessible(page, "menu-open-phone");
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "console-menu-phone.png") });
    if (UPDATE_DOCS) copyFileSync(join(SHOTS, "console-menu-phone.png"), join(DOCS_SHOTS, "console-menu-phone.png"));
    await nav(page, "Corrections").click();
    await expectHeading(page, "Corrections");
    // The menu closes once a page is chosen.
    expect(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded")).toBe("false");
    await page.setViewportSize(DESKTOP);
  });

  it("renders every page in Simplified Chinese without an English string left", async () => {
    // Every English message that Chinese says differently, cut at its placeholders: none may show.
    const english = Object.entries(en)
      .filter(([key, text]) => zhCN[key as keyof typeof en] !== text)
      .flatMap(([, text]) => text.split(/\{\w+\}/))
      .map((fragment) => fragment.trim())
      .filter((fragment) => fragment.length >= 10 && fragment.includes(" "));
    await page.goto(url("/admin/"));
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await expectHeading(page, "今日");
    try {
      for (const [path, name] of [
        ["/admin/", "today"],
        ["/admin/employees", "employees"],
        [`/admin/employees/${ids.mei}`, "employee"],
        ["/admin/employees/import", "import"],
        ["/admin/corrections?status=all", "corrections-all"],
        ["/admin/flagged", "flagged"],
        [`/admin/punches?employee=${ids.mei}`, "punches-mei"],
        [`/admin/punches/${meiPunchId}`, "punch"],
        ["/admin/rules/sites", "rules-sites"],
        ["/admin/rules/networks", "rules-networks"],
        ["/admin/rules/schedules", "rules-schedules"],
        ["/admin/rules/holidays", "rules-holidays"],
        ["/admin/rules/settings", "rules-settings"],
        ["/admin/reports", "reports"],
        ["/admin/audit", "audit"],
        ["/admin/api-keys", "api-keys"],
        ["/admin/nowhere", "not-found"],
      ] as const) {
        await page.goto(url(path));
        await page.waitForLoadState("networkidle");
        await expect.poll(() => page.locator("main").textContent(), { timeout: 15_000 }).toMatch(/[\u4e00-\u9fff]/);
        await expect.poll(() => page.locator("main .loading").count(), { timeout: 15_000 }).toBe(0);
        const text = await page.evaluate(() => document.body.innerText);
        expect(english.filter((fragment) => text.includes(fragment)), path).toEqual([]);
        expect(text, path).not.toMatch(/\{\w+\}|undefined|NaN/);
        await capture(page, `${name}-zh`);
      }
    } finally {
      // Back to English for whatever runs next; a failure here must not hide the one above.
      await page.evaluate(() => localStorage.clear()).catch(() => undefined);
    }
  });
});
