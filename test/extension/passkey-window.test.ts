import { fakeBrowser } from "wxt/testing/fake-browser";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { WindowPunchReport } from "../../extension/utils/messaging";
import { PASSKEY_WINDOW, openPasskeyWindow, passkeyFailure, watchingFocus } from "../../extension/utils/passkey-window";

beforeEach(() => fakeBrowser.reset());

const notAllowed = () => Object.assign(new Error("The operation either timed out or was not allowed."), { name: "NotAllowedError" });

/** A page whose focus the test moves: `blur()` fires the event, `focused` is what hasFocus says. */
function fakePage() {
  const listeners = new Set<() => void>();
  const page = {
    focused: true,
    win: {
      addEventListener: (type: string, fn: () => void) => type === "blur" && listeners.add(fn),
      removeEventListener: (type: string, fn: () => void) => type === "blur" && listeners.delete(fn),
    } as unknown as Pick<Window, "addEventListener" | "removeEventListener">,
    doc: { hasFocus: () => page.focused },
    blur() {
      page.focused = false;
      for (const fn of listeners) fn();
    },
  };
  return page;
}

/** The popup's messaging for punchFromWindow reports, driven by the test. */
function fakeReports() {
  const listeners = new Set<(r: WindowPunchReport) => void>();
  return {
    onReport(listener: (r: WindowPunchReport) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(report: WindowPunchReport) {
      for (const fn of [...listeners]) fn(report);
    },
    get listening() {
      return listeners.size;
    },
  };
}

describe("the popup's sign step", () => {
  it("fails with NotAllowedError after the OS sheet took the focus: needs the window", async () => {
    const page = fakePage();
    const signing = await watchingFocus(page.win, page.doc, async () => {
      page.blur(); // the OS passkey sheet appears
      page.focused = true; // and has given the focus back by the time Chrome rejects
      throw notAllowed();
    });
    expect(signing.lostFocus).toBe(true);
    expect(passkeyFailure((signing as { error: unknown }).error, { inPopup: true, lostFocus: signing.lostFocus })).toBe("needsWindow");
  });

  it("a genuine cancel (the popup kept the focus) is a cancel, not a window", async () => {
    const page = fakePage();
    const signing = await watchingFocus(page.win, page.doc, async () => {
      throw notAllowed();
    });
    expect(signing.lostFocus).toBe(false);
    expect(passkeyFailure((signing as { error: unknown }).error, { inPopup: true, lostFocus: false })).toBe("cancelled");
  });

  it("the passkey window itself never opens another one; other errors are errors", () => {
    expect(passkeyFailure(notAllowed(), { inPopup: false, lostFocus: true })).toBe("cancelled");
    expect(passkeyFailure(Object.assign(new Error("x"), { name: "AbortError" }), { inPopup: true, lostFocus: true })).toBe("needsWindow");
    expect(passkeyFailure(new TypeError("Failed to fetch"), { inPopup: true, lostFocus: true })).toBeNull();
  });

  it("a signature that works reports no lost focus and the value", async () => {
    const page = fakePage();
    expect(await watchingFocus(page.win, page.doc, async () => "signed")).toEqual({ value: "signed", lostFocus: false });
  });
});

describe("openPasskeyWindow", () => {
  it("opens the small window with the kind and nonce, and resolves with the window's report", async () => {
    const reports = fakeReports();
    const create = vi.spyOn(fakeBrowser.windows, "create");
    const { windowId, report } = await openPasskeyWindow({ browser: fakeBrowser, onReport: reports.onReport }, { kind: "out", nonce: "n/1+2" });

    expect(await fakeBrowser.windows.get(windowId!)).toBeDefined();
    const url = new URL(String(create.mock.calls[0]![0]!.url));
    expect(url.pathname).toBe("/passkey.html");
    expect(Object.fromEntries(url.searchParams)).toEqual({ kind: "out", nonce: "n/1+2" });

    // A report about another punch is not this one; this one settles the wait and unsubscribes.
    reports.send({ kind: "in", outcome: "cancelled", message: "other" });
    reports.send({ kind: "out", outcome: "recorded", message: "Clocked out at 18:02" });
    expect(await report).toEqual({ kind: "out", outcome: "recorded", message: "Clocked out at 18:02" });
    expect(reports.listening).toBe(0);
  });

  it("asks the browser for a focused popup-type window of the small size", async () => {
    const calls: unknown[] = [];
    const browser = { ...fakeBrowser, windows: { ...fakeBrowser.windows, create: async (info: unknown) => (calls.push(info), { id: 7 }) } } as typeof fakeBrowser;
    const { windowId } = await openPasskeyWindow({ browser, onReport: fakeReports().onReport }, { kind: "in", nonce: null });
    expect(windowId).toBe(7);
    expect(calls).toEqual([{ url: expect.stringMatching(/\/passkey\.html\?kind=in$/), type: "popup", ...PASSKEY_WINDOW, focused: true }]);
  });
});
