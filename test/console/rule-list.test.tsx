import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Edit, RuleList, useRuleList } from "../../worker/console/src/components/RuleList";
import { AppStateContext, createAppState } from "../../worker/console/src/state";

type Thing = { id: string; name: string };

describe("a rule list (sites, networks, schedules, holidays, places)", () => {
  let host: HTMLElement;
  afterEach(() => {
    render(null, host);
    host.remove();
  });

  /** A list of Alpha and Delta (in the server's order, by name) with an editor that saves at a click, as a page holds it. */
  async function mount(props: { canEdit: boolean; editorAt?: "card" | "after" | "row"; inUse?: string }) {
    host = document.createElement("div");
    document.body.append(host);
    const load = vi.fn(async () => ({ items: [{ id: "a", name: "Alpha" }, { id: "d", name: "Delta" }] }));
    const remove = vi.fn(async (_: Thing) => undefined);
    const editor = ({ item, done }: Edit<Thing>) => (
      <button type="button" class="save" onClick={() => done(item ? { ...item, name: `${item.name} 2` } : { id: "c", name: "Charlie" })}>
        {item ? `Saving ${item.name}` : "Saving a new one"}
      </button>
    );
    function Page() {
      const list = useRuleList(load, []);
      return (
        <RuleList
          list={list}
          title="Things"
          headingId="things-heading"
          intro="What things are."
          empty="No things."
          columns={[{ label: "name", cell: (thing) => thing.name }]}
          canEdit={props.canEdit}
          addLabel="Add a thing"
          editorAt={props.editorAt}
          editor={editor}
          remove={remove}
          removeQuestion={(thing) => `Remove ${thing.name}?`}
          removeDetail="It goes."
          cannotRemove={(thing) => (thing.id === props.inUse ? "In use" : null)}
        />
      );
    }
    await act(async () => render(<AppStateContext.Provider value={createAppState("en", null, { lang: "en" })}><Page /></AppStateContext.Provider>, host));
    // The list arrives after the first render, as from the server.
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    return { load, remove };
  }
  const rows = () => [...host.querySelectorAll("tbody tr")].map((tr) => tr.querySelector("td")!.textContent);
  const button = (name: string) => [...host.querySelectorAll("button")].find((b) => (b.getAttribute("aria-label") ?? b.textContent) === name);
  const click = (name: string) => act(() => button(name)!.click());

  it("adds, changes and removes for an admin, keeping the order by name without loading again", async () => {
    const { load, remove } = await mount({ canEdit: true });
    expect(host.querySelector("h2#things-heading")?.textContent).toBe("Things");
    expect(rows()).toEqual(["Alpha", "Delta"]);

    await click("Add a thing");
    expect(button("Add a thing")).toBeUndefined();
    await click("Saving a new one");
    expect(rows()).toEqual(["Alpha", "Charlie", "Delta"]);
    expect(button("Add a thing")).toBeDefined();

    await click("Edit Alpha");
    await click("Saving Alpha");
    expect(rows()).toEqual(["Alpha 2", "Charlie", "Delta"]);

    // Remove asks first, in a dialog whose own button removes.
    const row = host.querySelector("tbody tr:last-child")!;
    await act(async () => row.querySelector<HTMLButtonElement>("dialog button.solid")!.click());
    expect(remove).toHaveBeenCalledWith({ id: "d", name: "Delta" });
    expect(rows()).toEqual(["Alpha 2", "Charlie"]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("opens the editor in place of the row when asked, and says why an item in use cannot be removed", async () => {
    await mount({ canEdit: true, editorAt: "row", inUse: "a" });
    await click("Edit Alpha");
    expect(host.querySelector("tbody tr:first-child td")?.getAttribute("colspan")).toBe("2");
    expect(host.querySelector("tbody tr:first-child .save")?.textContent).toBe("Saving Alpha");
    await click("Saving Alpha");
    expect(rows()).toEqual(["Alpha 2", "Delta"]);
    expect(host.querySelector("tbody tr:first-child")?.textContent).toContain("In use");
    expect(button("Remove Alpha 2")).toBeUndefined();
    expect(button("Remove Delta")).toBeDefined();
  });

  it("shows the list alone to someone who may not change the rules", async () => {
    await mount({ canEdit: false });
    expect(rows()).toEqual(["Alpha", "Delta"]);
    expect(host.querySelectorAll("button")).toHaveLength(0);
    expect([...host.querySelectorAll("th")].map((th) => th.textContent)).toEqual(["Name"]);
  });
});
