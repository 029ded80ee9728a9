import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { serverUrlItem } from "../utils/settings";

// The offline queue, retries and reminders arrive with punching; for now the worker only
// makes sure the server URL is stored, so the popup and future options page agree on it.
export default defineBackground(() => {
  browser.runtime.onInstalled.addListener(async () => {
    const stored = await serverUrlItem.getValue();
    await serverUrlItem.setValue(stored);
  });
});
