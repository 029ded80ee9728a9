import { render } from "preact";
import { act } from "preact/test-utils";
import { useState } from "preact/hooks";
import { afterEach, describe, expect, it } from "vitest";
import { ScheduleEditor } from "../../worker/console/src/components/ScheduleEditor";
import { emptyForm, followerChanges, formOf, isOvernight, type ScheduleForm, scheduleInputOf, weekSummary } from "../../worker/console/src/logic/schedule-form";
import { AppStateContext, createAppState } from "../../worker/console/src/state";

describe("the schedule editor's output", () => {
  it("makes a new schedule Monday to Friday, 09:00 to 18:00", () => {
    const { input } = scheduleInputOf({ ...emptyForm(), name: " Office " });
    expect(input).toEqual({
      name: "Office",
      timezone: null,
      kind: "fixed",
      days: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "18:00" })),
      graceLateMin: 5,
      graceEarlyMin: 0,
      earliestInMin: 60,
      coreStart: null,
      coreEnd: null,
      requiredMinutes: null,
      restDayWorkAllowed: false,
    });
  });

  it.each<[string, Partial<ScheduleForm>, Record<string, string>]>([
    ["no name", { name: "  " }, { name: "scheduleNameNeeded" }],
    ["an unknown zone", { timezone: "Mars/Olympus" }, { timezone: "zoneUnknown" }],
    ["a day that starts when it ends", { days: emptyForm().days.map((d, i) => (i === 2 ? { ...d, end: "09:00" } : d)) }, { day3: "dayStartEqualsEnd" }],
    ["a half-typed time", { days: emptyForm().days.map((d, i) => (i === 0 ? { ...d, start: "" } : d)) }, { day1: "dayTimesNeeded" }],
    ["grace beyond 240 minutes", { graceLateMin: "241" }, { graceLateMin: "minutesUpTo240" }],
    ["fractional minutes", { graceEarlyMin: "2.5" }, { graceEarlyMin: "minutesUpTo240" }],
    ["earliest-in beyond 720", { earliestInMin: "721" }, { earliestInMin: "minutesUpTo720" }],
    ["one core time alone", { kind: "flexible", coreStart: "10:00" }, { core: "corePair" }],
    ["25 hours required", { kind: "flexible", requiredHours: "25" }, { requiredHours: "requiredHoursRange" }],
  ])("refuses %s, saying where", (_, patch, errors) => {
    const result = scheduleInputOf({ ...emptyForm(), name: "S", ...patch });
    expect(result.input).toBeNull();
    expect(result.errors).toEqual(errors);
  });

  it("keeps core hours and required hours only for flexible schedules", () => {
    const form = { ...emptyForm(), name: "Flex", coreStart: "10:00", coreEnd: "16:00", requiredHours: "7.5" };
    expect(scheduleInputOf(form).input).toMatchObject({ kind: "fixed", coreStart: null, coreEnd: null, requiredMinutes: null });
    expect(scheduleInputOf({ ...form, kind: "flexible" }).input).toMatchObject({ kind: "flexible", coreStart: "10:00", coreEnd: "16:00", requiredMinutes: 450 });
  });

  it("reads an end before the start as an overnight shift, and a stored schedule back into the same output", () => {
    expect(isOvernight({ works: true, start: "22:00", end: "06:00" })).toBe(true);
    expect(isOvernight({ works: true, start: "06:00", end: "14:00" })).toBe(false);
    const input = scheduleInputOf({ ...emptyForm(), name: "Nights", days: emptyForm().days.map((d) => ({ ...d, start: "22:00", end: "06:00" })) }).input!;
    const stored = { id: "s1", createdAt: 0, updatedAt: 0, ...input, timezone: null, coreStart: null, coreEnd: null, requiredMinutes: null, restDayWorkAllowed: false } as Parameters<typeof formOf>[0];
    expect(scheduleInputOf(formOf(stored)).input).toEqual(input);
  });

  it("says a week in a few words, and who moves on and off a schedule", () => {
    const name = (iso: number) => ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][iso]!;
    const days = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "18:00" })).concat([{ weekday: 6, start: "10:00", end: "14:00" }]);
    expect(weekSummary(days, name)).toBe("Mon–Fri 09:00–18:00, Sat 10:00–14:00");
    expect(weekSummary([{ weekday: 1, start: "22:00", end: "06:00" }, { weekday: 3, start: "22:00", end: "06:00" }], name)).toBe("Mon 22:00–06:00, Wed 22:00–06:00");
    expect(followerChanges(["a", "b"], ["b", "c"])).toEqual({ add: ["c"], remove: ["a"] });
  });
});

describe("the schedule editor, rendered", () => {
  let host: HTMLElement;
  afterEach(() => {
    render(null, host);
    host.remove();
  });

  /** The editor as a page holds it, reporting each form it produces. */
  function mount() {
    host = document.createElement("div");
    document.body.append(host);
    const seen: ScheduleForm[] = [];
    function Holder() {
      const [form, setForm] = useState(emptyForm());
      seen.push(form);
      return <ScheduleEditor form={form} errors={{}} onChange={setForm} />;
    }
    act(() => render(<AppStateContext.Provider value={createAppState("en", null, { lang: "en" })}><Holder /></AppStateContext.Provider>, host));
    return () => seen[seen.length - 1]!;
  }
  const input = (selector: string) => host.querySelector<HTMLInputElement>(selector)!;
  function type(el: HTMLInputElement, value: string) {
    act(() => {
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  function click(el: HTMLInputElement) {
    act(() => el.click());
  }

  it("turns ticks and typed times into the API's schedule: a Saturday night shift, flexible with core hours", () => {
    const current = mount();
    type(input('input[name="scheduleName"]'), "Weekend nights");
    click(input('input[name="works-6"]'));
    const saturday = host.querySelector('tr[data-weekday="6"]')!;
    type(saturday.querySelector<HTMLInputElement>('input[aria-label="Start on Saturday"]')!, "22:00");
    type(saturday.querySelector<HTMLInputElement>('input[aria-label="End on Saturday"]')!, "06:00");
    expect(saturday.textContent).toContain("Overnight: ends the next day");
    for (const weekday of [1, 2, 3, 4, 5]) click(input(`input[name="works-${weekday}"]`));
    click(input('input[value="flexible"]'));
    type(input('input[name="coreStart"]'), "23:00");
    type(input('input[name="coreEnd"]'), "03:00");
    type(input('input[name="graceLateMin"]'), "10");
    click(input('input[name="restDayWorkAllowed"]'));

    expect(scheduleInputOf(current()).input).toEqual({
      name: "Weekend nights",
      timezone: null,
      kind: "flexible",
      days: [{ weekday: 6, start: "22:00", end: "06:00" }],
      graceLateMin: 10,
      graceEarlyMin: 0,
      earliestInMin: 60,
      coreStart: "23:00",
      coreEnd: "03:00",
      requiredMinutes: null,
      restDayWorkAllowed: true,
    });
  });

  it("copies the first working day's hours to every working day", () => {
    const current = mount();
    type(input('input[aria-label="Start on Monday"]'), "08:30");
    type(input('input[aria-label="End on Monday"]'), "17:00");
    act(() => host.querySelector<HTMLButtonElement>(".button-row button")!.click());
    expect(current().days.filter((d) => d.works).every((d) => d.start === "08:30" && d.end === "17:00")).toBe(true);
    expect(current().days[5]).toEqual({ works: false, start: "09:00", end: "18:00" });
  });
});
