import { useState } from "preact/hooks";
import { t } from "../utils/i18n";
import { sendMessage } from "../utils/messaging";
import { dismissAttention, requeueAttention } from "../utils/queue";
import { useAppState } from "./AppState";
import { dateTimeOf } from "./format";
import { reasonText } from "./punch-ceremony";

/** How many punches wait, when the last sync was, and a way to send now. */
export function QueueStatus() {
  const state = useAppState();
  const [sending, setSending] = useState(false);
  const waiting = state.queue.value.length;
  const lastSync = state.lastSync.value;

  async function syncNow() {
    setSending(true);
    try {
      await sendMessage("syncNow");
    } catch {
      // the background is restarting; its own alarms will send later
    } finally {
      setSending(false);
    }
  }

  return (
    <section class="sync" aria-label={t("queueNone")}>
      <p class={waiting ? "waiting" : "muted"} data-testid="queue-count">
        {waiting ? t("queueWaiting", waiting) : t("queueNone")}
      </p>
      <p class="muted" data-testid="last-sync">
        {lastSync ? t("lastSync", dateTimeOf(lastSync)) : t("lastSyncNever")}
      </p>
      {waiting > 0 && (
        <button type="button" onClick={syncNow} disabled={sending}>
          {t("syncNow")}
        </button>
      )}
    </section>
  );
}

/** Punches the server refused: its reason, and the employee decides (nothing silently dropped). */
export function AttentionList() {
  const state = useAppState();
  const items = state.attention.value;
  if (items.length === 0) return null;
  return (
    <section class="attention" aria-labelledby="attention-title">
      <h2 id="attention-title">{t("attentionTitle")}</h2>
      <p class="muted">{t("attentionIntro")}</p>
      <ul>
        {items.map((item) => {
          const kind = t(item.punch.kind === "in" ? "kindIn" : "kindOut");
          const at = dateTimeOf(item.punch.clientTime);
          const reason = t(`refused${item.code}` as never);
          return (
            <li key={item.punch.id}>
              <div>
                <strong>
                  {kind} · {at}
                </strong>
                <p class="reason">
                  {reason && reason !== `refused${item.code}` ? reason : reasonText(item.message)} <code>{item.code}</code>
                </p>
              </div>
              <div class="row-actions">
                <button
                  type="button"
                  aria-label={t("retryItem", t(item.punch.kind === "in" ? "kindInWord" : "kindOutWord"), at)}
                  onClick={async () => {
                    await requeueAttention(item.punch.id, Date.now());
                    sendMessage("syncNow").catch(() => undefined);
                  }}
                >
                  {t("retry")}
                </button>
                <button
                  type="button"
                  aria-label={t("dismissItem", t(item.punch.kind === "in" ? "kindInWord" : "kindOutWord"), at)}
                  onClick={() => dismissAttention(item.punch.id)}
                >
                  {t("dismiss")}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
