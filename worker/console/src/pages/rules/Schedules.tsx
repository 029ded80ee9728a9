import { useState } from "preact/hooks";
import { api, type Schedule } from "../../api";
import { ErrorMessage } from "../../components/ErrorMessage";
import { PeopleChecklist } from "../../components/PeopleChecklist";
import { type Edit, RuleList, useRuleList } from "../../components/RuleList";
import { RulesHeader } from "../../components/RulesNav";
import { ScheduleEditor } from "../../components/ScheduleEditor";
import { weekdayName } from "../../format";
import { useAction } from "../../hooks/use-action";
import { useDirectory } from "../../hooks/use-directory";
import { emptyForm, followerChanges, formOf, type ScheduleErrors, scheduleInputOf, weekSummary } from "../../logic/schedule-form";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

/** Weekly schedules: who follows which, and the editor (admins). */
export function Schedules() {
  const { t, locale } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const schedules = useRuleList(() => api.schedules.list(), []);
  const followers = (id: string) => (directory.items ?? []).filter((e) => e.scheduleId === id);

  return (
    <>
      <RulesHeader page="schedules" />
      <RuleList
        list={schedules}
        title={t("rulesSchedules")}
        headingId="schedules-heading"
        intro={t("schedulesIntro")}
        empty={t("noSchedules")}
        columns={[
          { label: "name", cell: (schedule) => schedule.name },
          {
            label: "scheduleKind",
            wrap: true,
            cell: (schedule) => (
              <>
                {t(schedule.kind === "fixed" ? "kindFixedShort" : "kindFlexibleShort")}
                {schedule.coreStart && schedule.coreEnd && <div class="muted small">{t("coreRange", { start: schedule.coreStart, end: schedule.coreEnd })}</div>}
              </>
            ),
          },
          {
            label: "weeklyHours",
            wrap: true,
            cell: (schedule) => (
              <>
                {weekSummary(schedule.days, (iso) => weekdayName(locale, iso)) || <span class="muted">{t("noWorkingDays")}</span>}
                {schedule.timezone && <div class="muted small">{schedule.timezone}</div>}
              </>
            ),
          },
          { label: "graces", wrap: true, cell: (schedule) => t("graceSummary", { late: schedule.graceLateMin, early: schedule.graceEarlyMin, earliest: schedule.earliestInMin }) },
          {
            label: "followedBy",
            wrap: true,
            cell: (schedule) => {
              const people = followers(schedule.id);
              return people.length ? people.map((p) => p.name).join(", ") : <span class="muted">{t("nobody")}</span>;
            },
          },
        ]}
        canEdit={can.editRules}
        addLabel={t("addSchedule")}
        editorAt="after"
        editor={(edit) => <ScheduleSection {...edit} />}
        remove={(schedule) => api.schedules.remove(schedule.id)}
        removeQuestion={(schedule) => t("removeScheduleQuestion", { name: schedule.name })}
        removeDetail={t("removeScheduleDetail")}
        cannotRemove={(schedule) => (followers(schedule.id).length > 0 ? t("inUseCannotRemove") : null)}
      />
    </>
  );
}

function ScheduleSection({ item: schedule, done }: Edit<Schedule>) {
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
      done(saved);
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
          <button type="button" onClick={() => done(null)}>
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
