import { type ComponentChildren, Fragment } from "preact";
import { useState } from "preact/hooks";
import { useAction } from "../hooks/use-action";
import { type Resource, useResource } from "../hooks/use-resource";
import type { MessageKey } from "../i18n";
import { useI18n } from "../state";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage } from "./ErrorMessage";
import { Loaded } from "./Loaded";
import { TableScroll } from "./TableScroll";

type Item = { id: string; name: string };

/** The items of one rule list, which one is open in the editor ("new" for one being added), and what a write changes. */
export type RuleListState<T extends Item> = Resource<T[]> & {
  editing: string | null;
  setEditing: (id: string | null) => void;
  /** Shows an item the server answered with, in its place in the order. */
  put: (item: T) => void;
};

const byName = (a: Item, b: Item) => a.name.localeCompare(b.name);

/** Loads a rule list again when `deps` change; kept in `order` (by name unless said), with only the items `keep` accepts. */
export function useRuleList<T extends Item>(
  load: () => Promise<{ items: T[] }>,
  deps: readonly unknown[],
  { order = byName, keep = () => true }: { order?: (a: T, b: T) => number; keep?: (item: T) => boolean } = {},
): RuleListState<T> {
  const items = useResource(async () => (await load()).items, deps);
  const [editing, setEditing] = useState<string | null>(null);
  const put = (item: T) => items.setData((list) => [...(list ?? []).filter((i) => i.id !== item.id), item].filter(keep).sort(order));
  return { ...items, editing, setEditing, put };
}

export type Column<T> = { label: MessageKey; cell: (item: T) => ComponentChildren; wrap?: boolean };

/** What the editor is given: the item (none when adding), the others (for context), and where to say it is done. */
export type Edit<T> = { item?: T; others: T[]; done: (saved: T | null) => void };

/**
 * A rule list: a table of the items with Edit and Remove for those who may change them, an Add
 * button, and the editor, opened for one item at a time. The page gives the columns, the editor
 * and the remove call; the list keeps what is shown in step with what the server answered.
 */
export function RuleList<T extends Item>(props: {
  list: RuleListState<T>;
  /** The table's name, and the card's heading when it has one. */
  title: string;
  /** A card of its own, headed by the title with this id and Add beside it; without, a part of a larger card with Add below. */
  headingId?: string;
  /** Beside the heading instead of Add (a year to show). */
  headControls?: ComponentChildren;
  intro: string;
  empty: string;
  columns: Column<T>[];
  canEdit: boolean;
  /** Add's label; without it, items are added elsewhere on the page. */
  addLabel?: string;
  /** Where the editor opens: inside the card (default), as a card after it, or in place of the item's row. */
  editorAt?: "card" | "after" | "row";
  editor: (edit: Edit<T>) => ComponentChildren;
  remove: (item: T) => Promise<unknown>;
  removeQuestion: (item: T) => string;
  removeDetail: string;
  /** Why an item cannot be removed now, said in place of Remove. */
  cannotRemove?: (item: T) => string | null;
  rowData?: (item: T) => Record<`data-${string}`, string>;
}) {
  const { t } = useI18n();
  const { list, columns, canEdit, headingId, editorAt = "card" } = props;
  const removing = useAction();
  const width = columns.length + (canEdit ? 1 : 0);
  const done = (saved: T | null) => {
    if (saved) list.put(saved);
    list.setEditing(null);
  };
  const editor = (id: string) => (
    <Fragment key={id}>{props.editor({ item: list.data?.find((i) => i.id === id), others: (list.data ?? []).filter((i) => i.id !== id), done })}</Fragment>
  );
  const add =
    canEdit && props.addLabel !== undefined && list.editing === null ? (
      <button type="button" class={headingId ? "primary" : undefined} onClick={() => list.setEditing("new")}>
        {props.addLabel}
      </button>
    ) : null;

  const body = (
    <>
      <p class="muted">{props.intro}</p>
      <Loaded {...list} onRetry={list.reload} empty={props.empty}>
        {(items) => (
          <TableScroll label={props.title}>
            <table class="stacked">
              <caption class="visually-hidden">{props.title}</caption>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.label} scope="col">
                      {t(c.label)}
                    </th>
                  ))}
                  {canEdit && <th scope="col">{t("actions")}</th>}
                </tr>
              </thead>
              <tbody>
                {items.map((item) =>
                  canEdit && editorAt === "row" && list.editing === item.id ? (
                    <tr key={item.id}>
                      <td colSpan={width}>{editor(item.id)}</td>
                    </tr>
                  ) : (
                    <tr key={item.id} {...props.rowData?.(item)}>
                      {columns.map((c) => (
                        <td key={c.label} data-label={t(c.label)} class={c.wrap ? "wrap" : undefined}>
                          {c.cell(item)}
                        </td>
                      ))}
                      {canEdit && (
                        <td data-label={t("actions")} class="actions">
                          <button type="button" aria-label={t("editNamed", { name: item.name })} onClick={() => list.setEditing(item.id)}>
                            {t("edit")}
                          </button>{" "}
                          {props.cannotRemove?.(item) ? (
                            <span class="muted small">{props.cannotRemove(item)}</span>
                          ) : (
                            <ConfirmButton
                              label={t("remove")}
                              ariaLabel={t("removeNamed", { name: item.name })}
                              question={props.removeQuestion(item)}
                              detail={props.removeDetail}
                              disabled={removing.busy}
                              onConfirm={() =>
                                void removing.run(async () => {
                                  await props.remove(item);
                                  list.setData((all) => all?.filter((i) => i.id !== item.id));
                                })
                              }
                            />
                          )}
                        </td>
                      )}
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Loaded>
      <ErrorMessage message={removing.error} />
      {!headingId && add && <div class="button-row">{add}</div>}
      {canEdit && editorAt === "card" && list.editing !== null && editor(list.editing)}
    </>
  );

  return (
    <>
      {headingId ? (
        <section class="card" aria-labelledby={headingId}>
          <div class="section-head">
            <h2 id={headingId}>{props.title}</h2>
            {props.headControls ?? add}
          </div>
          {body}
        </section>
      ) : (
        body
      )}
      {canEdit && editorAt === "after" && list.editing !== null && editor(list.editing)}
    </>
  );
}
