import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../worker/console/src/api";
import { CsvDownload } from "../../worker/console/src/components/CsvDownload";
import { punchExportOf } from "../../worker/console/src/pages/Punches";
import { AppStateContext, createAppState } from "../../worker/console/src/state";

const DAY_MS = 86_400_000;
/** The API's limit: from and to at most 366 days of 24 hours apart. */
const LIMIT_MS = 366 * DAY_MS;

describe("what the punch export asks for", () => {
  it("sends the filter's own dates, from the first to the last millisecond of those local days", () => {
    const filter = { from: "2026-01-01", to: "2026-12-31", employee: "e1", reason: "offline" as const };
    const { query, filename } = punchExportOf(filter, "2027-05-05");
    expect(query).toMatchObject({ from: new Date(2026, 0, 1).getTime(), to: new Date(2027, 0, 1).getTime() - 1, employeeId: "e1", reason: "offline" });
    expect(filename).toBe("punches-2026-01-01-to-2026-12-31.csv");
  });

  it.each([
    ["no dates", {}, "2026-03-20", "2025-03-21", "2026-03-20"],
    ["only an end date", { to: "2025-11-02" }, "2026-03-20", "2024-11-03", "2025-11-02"],
  ])("with %s, sends the 365 days up to the end date or today, within the API's limit", (_, filter, today, from, to) => {
    const { query, filename } = punchExportOf(filter, today);
    expect(filename).toBe(`punches-${from}-to-${to}.csv`);
    expect(query.from).toBe(new Date(`${from}T00:00:00`).getTime());
    expect(query.to - query.from).toBeLessThanOrEqual(LIMIT_MS);
    expect(query.to - query.from).toBeGreaterThan(LIMIT_MS - 2 * DAY_MS);
  });
});

describe("the punch export button", () => {
  let host: HTMLElement;
  const saved: string[] = [];
  beforeEach(() => {
    saved.length = 0;
    host = document.createElement("div");
    document.body.append(host);
    vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:csv");
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
  });
  afterEach(() => {
    render(null, host);
    host.remove();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  function mount(answer: Response) {
    const fetch = vi.fn(async (_url: string) => answer);
    vi.stubGlobal("fetch", fetch);
    const query = { from: 1_000, to: 2_000, reason: "offline" as const };
    act(() =>
      render(
        <AppStateContext.Provider value={createAppState("en", null, { lang: "en" })}>
          <CsvDownload label="Export CSV" filename="punches-a-to-b.csv" fetchFile={() => api.punchesCsv(query)} />
        </AppStateContext.Provider>,
        host,
      ),
    );
    return fetch;
  }
  const click = () => act(() => host.querySelector("button")!.click());

  it("says the server's reason when the export is refused, and saves nothing", async () => {
    const message = "A CSV export covers at most 366 days: from and to must be at most 366 days (of 24 hours) apart. Export a longer time in parts.";
    mount(Response.json({ error: { code: "VALIDATION_FAILED", message } }, { status: 400 }));
    click();
    await vi.waitFor(() => expect(host.querySelector('[role="alert"]')?.textContent).toContain(message));
    expect(saved).toEqual([]);
  });

  it("saves the CSV under the dates' name, asked with from, to and the filter", async () => {
    const fetch = mount(new Response("\uFEFFid\r\n", { headers: { "Content-Type": "text/csv; charset=utf-8" } }));
    click();
    await vi.waitFor(() => expect(saved).toEqual(["punches-a-to-b.csv"]));
    expect(fetch.mock.calls[0]![0]).toBe("/api/admin/punches?from=1000&to=2000&reason=offline&format=csv");
    expect(host.querySelector('[role="alert"]')).toBeNull();
  });
});
