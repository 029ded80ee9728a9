import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { createApi } from "../utils/api";
import { startBackground } from "../utils/background-logic";
import { initI18n, t } from "../utils/i18n";
import { onMessage } from "../utils/messaging";
import { POLICY_WAIT_MS, readPolicy } from "../utils/storage";

export default defineBackground(() => {
  const background = startBackground({
    browser,
    now: Date.now,
    random: Math.random,
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    api: (serverUrl) => createApi(serverUrl),
    // Chrome's policy service may take seconds after a browser start: use the cached policy meanwhile.
    loadLanguage: () => readPolicy({ timeoutMs: POLICY_WAIT_MS }).then((policy) => initI18n(undefined, policy)),
    t,
  });

  onMessage("syncNow", () => background.syncNow());
  onMessage("remindersChanged", () => background.scheduleReminder());
});
