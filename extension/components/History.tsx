import { useEffect, useState } from "preact/hooks";
import type { PunchRecord } from "../../shared/api";
import { ApiError, NetworkError, createApi } from "../utils/api";
import { t, type MessageKey } from "../utils/i18n";
import { liveToken, useAppState } from "./AppState";
import { dayHeading, localDateOf, timeOf } from "./format";
import { reasonText } from "./punch-ceremony";

const DAYS = 14;

interface Row {
  id: string;
  kind: "in" | "out";
  time: number;
  localDate: string;
  status: PunchRecord["status"] | "waiting";
  mode: PunchRecord["mode"];
  review: PunchRecord["review"];
  reasons: string[];
}

const fromRecord = (r: PunchRecord): Row => ({
  id: r.id,
  kind: r.kind,
  time: r.effectiveTime,
  localDate: r.localDate,
  status: r.status,
  mode: r.mode,
  review: r.review,
  reasons: r.reasons,
});

/** The punch a day most likely misses: the clock-out after a clock-in left open, else the clock-in. */
export function missingKind(punches: readonly { kind: "in" | "out"; time: number }[]): "in" | "out" {
  const last = [...punches].sort((a, b) => a.time - b.time).at(-1);
  return last?.kind === "in" ? "out" : "in";
}

/** How a punch came to be, when not by a click here and now: words beside its time. */
const MODE_NOTES: Partial<Record<PunchRecord["mode"], MessageKey>> = {
  offline: "modeOffline",
  correction: "modeCorrection",
  manual: "modeManual",
};

const REVIEW_NOTES: Record<NonNullable<PunchRecord["review"]>["decision"], MessageKey> = {
  accept: "review_accept",
  reject: "review_reject",
};

/** Saves `body` as a JSON file named `name` through the browser's downloads (no permission needed). */
function saveJson(body: unknown, name: string) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Why "Download my data" gave nothing, in words. */
function myDataError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return t("myDataSignIn");
  if (error instanceof ApiError) return t("myDataRefused", error.message);
  if (error instanceof NetworkError) return t("myDataOffline");
  return t("myDataRefused", error instanceof Error ? error.message : String(error));
}

/** The last 14 days from the server, or from the receipts on this device when it cannot be reached. */
export function History() {
  const state = useAppState();
  const [server, setServer] = useState<PunchRecord[] | null>(null);
  const [offline, setOffline] = useState(false);
  const [loading, setLoading] = useState(true);
  const [fetchingData, setFetchingData] = useState(false);
  const [dataError, setDataError] = useState<string | null>(null);
  const enrolment = state.enrolment.value!;

  useEffect(() => {
    const token = liveToken(state);
    const now = Date.now();
    if (!token) {
      setOffline(true);
      setLoading(false);
      return;
    }
    createApi(enrolment.serverUrl)
      .myPunches(token, localDateOf(now - (DAYS - 1) * 86_400_000), localDateOf(now))
      .then((res) => setServer(res.items))
      .catch(() => setOffline(true))
      .finally(() => setLoading(false));
  }, [enrolment.serverUrl, state.receipts.value.length]);

  const since = Date.now() - DAYS * 86_400_000;
  const records = server ?? state.receipts.value.map((r) => r.record).filter((r) => r.effectiveTime >= since);
  const known = new Set(records.map((r) => r.id));
  const rows: Row[] = [
    ...state.queue.value
      .filter((q) => !known.has(q.punch.id))
      .map((q) => ({ id: q.punch.id, kind: q.punch.kind, time: q.punch.clientTime, localDate: localDateOf(q.punch.clientTime), status: "waiting" as const, mode: "offline" as const, review: undefined, reasons: [] })),
    ...records.map(fromRecord),
  ].sort((a, b) => b.time - a.time);

  const days = new Map<string, Row[]>();
  for (const row of rows) days.set(row.localDate, [...(days.get(row.localDate) ?? []), row]);

  function exportReceipts() {
    const body = {
      exportedAt: new Date().toISOString(),
      employee: { id: enrolment.employeeId, name: enrolment.employeeName },
      server: enrolment.serverUrl,
      // Each receipt's signature verifies with GET /api/receipts/key.
      receipts: state.receipts.value,
    };
    saveJson(body, `clockwork-receipts-${localDateOf(Date.now())}.json`);
  }

  /** GET /api/me/export: everything the server holds about the employee, saved as it came. */
  async function downloadMyData() {
    // Not disabled while it runs (the focus would be lost): a second press waits for the first.
    if (fetchingData) return;
    setDataError(null);
    const token = liveToken(state);
    if (!token) return setDataError(t("myDataSignIn"));
    setFetchingData(true);
    try {
      const data = await createApi(enrolment.serverUrl).myData(token);
      saveJson(data, `clockwork-my-data-${localDateOf(Date.now())}.json`);
    } catch (error) {
      setDataError(myDataError(error));
    } finally {
      setFetchingData(false);
    }
  }

  return (
    <section class="history" aria-labelledby="history-title">
      <div class="section-head">
        <h2 id="history-title">{t("historyTitle")}</h2>
        <div class="exports">
          <button type="button" onClick={exportReceipts} disabled={state.receipts.value.length === 0}>
            {t("exportReceipts")}
          </button>
          <button type="button" onClick={downloadMyData} aria-busy={fetchingData} aria-describedby={dataError ? "my-data-error" : undefined}>
            {fetchingData ? t("downloadingMyData") : t("downloadMyData")}
          </button>
        </div>
      </div>
      {dataError && (
        <p class="message error" role="alert" id="my-data-error">
          {dataError}
        </p>
      )}
      {offline && <p class="message info">{t("historyOffline")}</p>}
      {loading ? (
        <p class="muted">{t("historyLoading")}</p>
      ) : rows.length === 0 ? (
        <p class="muted">{t("historyEmpty")}</p>
      ) : (
        [...days].map(([day, list]) => (
          <div class="day" key={day}>
            <div class="day-head">
              <h3>{dayHeading(day)}</h3>
              <button
                type="button"
                class="link small"
                id={`fix-${day}`}
                aria-label={t("fixDay", dayHeading(day))}
                onClick={() => {
                  const kind = missingKind(list.filter((r) => r.status !== "rejected"));
                  state.view.value = { name: "fix", date: day, kind, from: `fix-${day}` };
                }}
              >
                {t("fixDayShort")}
              </button>
            </div>
            <ul>
              {list.map((row) => {
                const note = MODE_NOTES[row.mode];
                return (
                  <li key={row.id}>
                    <span class="when">{timeOf(row.time)}</span>
                    <span class="kind">{t(row.kind === "in" ? "kindIn" : "kindOut")}</span>
                    <span class={`badge ${row.status}`}>{t(`status_${row.status}`)}</span>
                    {note && row.status !== "waiting" && <span class="muted small">{t(note)}</span>}
                    {row.reasons.length > 0 && <span class="reasons">{row.reasons.map(reasonText).join("; ")}</span>}
                    {row.review && (
                      <span class="review small">
                        {t(REVIEW_NOTES[row.review.decision])}
                        {row.review.comment && ` · ${t("requestComment", row.review.comment)}`}
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
