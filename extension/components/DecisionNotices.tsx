import { useEffect, useState } from "preact/hooks";
import { discardCorrection, markDecisionsSeen } from "../utils/corrections";
import { t } from "../utils/i18n";
import { knownCorrectionsOf, useAppState, workZoneOf } from "./AppState";
import { decisionNotice, refusalText, requestSummary } from "./correction-text";
import { browserTimeZone } from "./format";

/**
 * What became of correction requests since the popup was last open: decisions the server made
 * (each shown once: storage forgets it as soon as it is on screen, this popup keeps it until it
 * closes), and requests this device could not file, until the employee dismisses them.
 */
export function DecisionNotices() {
  const state = useAppState();
  const known = knownCorrectionsOf(state);
  const zone = workZoneOf(state)?.timeZone ?? browserTimeZone();
  const unseen = state.unseenDecisions.value;
  const [shown, setShown] = useState<string[]>([]);

  useEffect(() => {
    if (unseen.length === 0) return;
    setShown((list) => [...new Set([...list, ...unseen])]);
    void markDecisionsSeen(unseen);
  }, [unseen.join()]);

  const decided = shown.flatMap((id) => known?.items.filter((c) => c.id === id && (c.status === "approved" || c.status === "rejected")) ?? []);
  const refused = state.outbox.value.filter((item) => item.refused);
  if (decided.length === 0 && refused.length === 0) return null;
  return (
    <div class="notices" role="status" data-testid="decision-notices">
      <ul>
        {decided.map((c) => {
          const notice = decisionNotice(c, zone);
          return (
            <li key={c.id} class={`message ${notice.tone}`}>
              {notice.text}
            </li>
          );
        })}
        {refused.map((item) => {
          const summary = requestSummary(item.fields, zone);
          return (
            <li key={item.key} class="message error row">
              <span>{t("requestNotFiled", summary, refusalText(item.refused!, item.fields, zone))}</span>
              <button type="button" aria-label={t("dismissRequest", summary)} onClick={() => discardCorrection(item.key)}>
                {t("dismiss")}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
