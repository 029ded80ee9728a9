import { useState } from "preact/hooks";
import { api, type Schedule } from "../../api";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Loaded } from "../../components/Loaded";
import { PeopleChecklist } from "../../components/PeopleChecklist";
import { RulesHeader } from "../../components/RulesNav";
import { ScheduleEditor } from "../../components/ScheduleEditor";
import { TableScroll } from "../../components/TableScroll";
import { weekdayName } from "../../format";
import { useAction } from "../../hooks/use-action";
import { useDirectory } from "../../hooks/use-directory";
import { useResource } from "../../hooks/use-resource";
import { emptyForm, followerChanges, formOf, type ScheduleErrors, scheduleInputOf, weekSummary } from "../../logic/schedule-form";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

/** Weekly schedules: who follows which, and the editor (admins). */
export function Schedules() {
  const { t, locale } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const schedules = useResource(async () => (await api.schedules.list()).items, []);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const remove = useAction();
  const followers = (id: string) => (directory.items ?? []).filter((e) => e.scheduleId === id);
  const put = (schedule: Schedule) => schedules.setData((list) => [...(list ?? []).filter((s) => s.id !== schedule.id), schedule].sort((a, b) => a.name.localeCompare(b.name)));

  return (
    <>
      <RulesHeader page="schedules" />
      <section class="card" aria-labelledby="schedules-heading">
        <div class="section-head">
          <h2 id="schedules-heading">{t("rulesSchedules")}</h2>
          {can.editRules && editing === null && (
            <button type="button" class="primary" onClick={() => setEditing("new")}>
              {t("addSchedule")}
            </button>
          )}
        </div>
        <p class="muted">{t("schedulesIntro")}</p>
        <Loaded {...schedules} onRetry={schedules.reload} empty={t("noSchedules")}>
          {(items) => (
            <TableScroll label={t("rulesSchedules")}>
              <table class="stacked">
                <caption class="visually-hidden">{t("rulesSchedules")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("name")}</th>
                    <th scope="col">{t("scheduleKind")}</th>
                    <th scope="col">{t("weeklyHours")}</th>
                    <th scope="col">{t("graces")}</th>
                    <th scope="col">{t("followedBy")}</th>
                    {can.editRules && <th scope="col">{t("actions")}</th>}
                  </tr>
                </thead>
                <tbody>
                  {items.map((schedule) => {
                    const people = followers(schedule.id);
                    return (
                      <tr key={schedule.id}>
                        <td data-label={t("name")}>{schedule.name}</td>
                        <td data-label={t("scheduleKind")} class="wrap">
                          {t(schedule.kind === "fixed" ? "kindFixedShort" : "kindFlexibleShort")}
                          {schedule.coreStart && schedule.coreEnd && <div class="muted small">{t("coreRange", { start: schedule.coreStart, end: schedule.coreEnd })}</div>}
                        </td>
                        <td data-label={t("weeklyHours")} class="wrap">
                          {weekSummary(schedule.days, (iso) => weekdayName(locale, iso)) || <span class="muted">{t("noWorkingDays")}</span>}
                          {schedule.timezone && <div class="muted small">{schedule.timezone}</div>}
                        </td>
                        <td data-label={t("graces")} class="wrap">
                          {t("graceSummary", { late: schedule.graceLateMin, early: schedule.graceEarlyMin, earliest: schedule.earliestInMin })}
                        </td>
                        <td data-label={t("followedBy")} class="wrap">
                          {people.length ? people.map((p) => p.name).join(", ") : <span class="muted">{t("nobody")}</span>}
                        </td>
                        {can.editRules && (
                          <td data-label={t("actions")} class="actions">
                            <button type="button" aria-label={t("editNamed", { name: schedule.name })} onClick={() => setEditing(schedule.id)}>
                              {t("edit")}
                            </button>{" "}
                            {people.length === 0 ? (
                              <ConfirmButton
                                label={t("remove")}
                                ariaLabel={t("removeNamed", { name: schedule.name })}
                                question={t("removeScheduleQuestion", { name: schedule.name })}
                                detail={t("removeScheduleDetail")}
                                disabled={remove.busy}
                                onConfirm={() =>
                                  void remove.run(async () => {
                                    await api.schedules.remove(schedule.id);
                                    schedules.setData((list) => list?.filter((s) => s.id !== schedule.id));
                                  })
                                }
                              />
                            ) : (
                              <span class="muted small">{t("inUseCannotRemove")}</span>
                            )}
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Loaded>
        <ErrorMessage message={remove.error} />
      </section>
      {can.editRules && editing !== null && (
        <ScheduleSection
          key={editing}
          schedule={schedules.data?.find((s) => s.id === editing)}
          onDone={(schedule) => {
            if (schedule) put(schedule);
            setEditing(null);
          }}
        />
      )}
    </>
  );
}

function ScheduleSection({ schedule, onDone }: { schedule?: Schedule; onDone: (schedule: Schedule | null) => void }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const { busy, error, run } = useAction();
  const [form, setForm] = useState(() => (schedule ? formOf(schedule) : emptyForm()));
  const [tried, setTried] = useState(false);
  const before = (directory.items ?? []).filter((e) => schedule && e.scheduleId === schedule.id).map((e) => e.id);
  const [chosen, setChosen] = useState<string[]>(before);
  const { input, errors } = scheduleInputOf(form);
  const shown: ScheduleErrors = tried ? errors : {};

  const submit = (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (!input) return;
    void run(async () => {
      const saved = schedule ? await api.schedules.update(schedule.id, input) : await api.schedules.create(input);
      // Who follows it is each person's schedule: changed one by one, after the schedule exists.
      const { add, remove } = followerChanges(before, chosen);
      for (const id of add) directory.put(await api.updateEmployee(id, { scheduleId: saved.id }));
      for (const id of remove) directory.put(await api.updateEmployee(id, { scheduleId: null }));
      onDone(saved);
    });
  };

  return (
    <section class="card" aria-labelledby="schedule-editor-heading">
      <h2 id="schedule-editor-heading">{schedule ? t("editSite", { name: schedule.name }) : t("addSchedule")}</h2>
      <form onSubmit={submit} noValidate>
        <ScheduleEditor form={form} errors={shown} onChange={setForm} />
        <PeopleChecklist legend={t("whoFollows")} hint={t("whoFollowsHint")} people={(directory.items ?? []).filter((e) => e.active)} chosen={chosen} onChange={setChosen} />
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t("working") : schedule ? t("save") : t("addSchedule")}
          </button>
          <button type="button" onClick={() => onDone(null)}>
            {t("cancel")}
          </button>
          {tried && !input && (
            <span class="field-error" role="alert">
              {t("fixMarkedFields")}
            </span>
          )}
        </div>
        <ErrorMessage message={error} />
      </form>
    </section>
  );
}
