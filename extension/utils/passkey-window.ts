import type { WxtBrowser } from "wxt/browser";
import { isPasskeyCancel } from "./enrol";
import type { WindowPunchReport } from "./messaging";

/**
 * What a failed passkey prompt means. Chrome answers NotAllowedError both when the employee
 * cancels and when the popup lost the focus to the OS passkey sheet (and so the ceremony); only
 * the second is worth a retry in a window of our own. Anything else is a real error (`null`).
 */
export function passkeyFailure(err: unknown, ctx: { inPopup: boolean; lostFocus: boolean }): "needsWindow" | "cancelled" | null {
  if (!isPasskeyCancel(err)) return null;
  return ctx.inPopup && ctx.lostFocus ? "needsWindow" : "cancelled";
}

/** Notes whether the page lost the focus while `watch` ran (a blur, or no focus at the end). */
export async function watchingFocus<T>(
  win: Pick<Window, "addEventListener" | "removeEventListener">,
  doc: Pick<Document, "hasFocus">,
  watch: () => Promise<T>,
): Promise<{ value: T; lostFocus: boolean } | { error: unknown; lostFocus: boolean }> {
  let blurred = false;
  const onBlur = () => (blurred = true);
  win.addEventListener("blur", onBlur);
  try {
    return { value: await watch(), lostFocus: blurred || !doc.hasFocus() };
  } catch (error) {
    return { error, lostFocus: blurred || !doc.hasFocus() };
  } finally {
    win.removeEventListener("blur", onBlur);
  }
}

export const PASSKEY_WINDOW = { width: 440, height: 420 } as const;

/**
 * Opens the small passkey window for the punch the popup could not sign, and resolves with the
 * window's report (sent by messaging once its ceremony ends). The listener is in place before the
 * window exists, so a fast answer is not missed.
 */
export async function openPasskeyWindow(
  deps: {
    browser: Pick<WxtBrowser, "windows" | "runtime">;
    onReport(listener: (report: WindowPunchReport) => void): () => void;
  },
  request: { kind: "in" | "out"; nonce: string | null },
): Promise<{ windowId: number | undefined; report: Promise<WindowPunchReport> }> {
  let stop = () => {};
  const report = new Promise<WindowPunchReport>((resolve) => {
    stop = deps.onReport((r) => {
      if (r.kind !== request.kind) return;
      stop();
      resolve(r);
    });
  });
  const query = `kind=${request.kind}${request.nonce ? `&nonce=${encodeURIComponent(request.nonce)}` : ""}`;
  const url = deps.browser.runtime.getURL(`/passkey.html?${query}` as "/passkey.html");
  try {
    const created = await deps.browser.windows.create({ url, type: "popup", ...PASSKEY_WINDOW, focused: true });
    return { windowId: created?.id, report };
  } catch (err) {
    stop();
    throw err;
  }
}
