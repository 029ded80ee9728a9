import { useState } from "preact/hooks";
import { api, type Employee, type Place } from "../api";
import { useAction } from "../hooks/use-action";
import { useResource } from "../hooks/use-resource";
import { useI18n } from "../state";
import { CircleForm } from "./CircleForm";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage } from "./ErrorMessage";
import { Loaded } from "./Loaded";
import { TableScroll } from "./TableScroll";

/** Someone's approved remote places (home offices): punches there count as on site for them alone. */
export function PlaceList({ employee, canEdit }: { employee: Employee; canEdit: boolean }) {
  const { t } = useI18n();
  const routes = api.places(employee.id);
  const places = useResource(async () => (await routes.list()).items, [employee.id]);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const remove = useAction();
  const put = (place: Place) => places.setData((list) => [...(list ?? []).filter((p) => p.id !== place.id), place].sort((a, b) => a.name.localeCompare(b.name)));

  return (
    <>
      <p class="muted">{t("placesIntro")}</p>
      <Loaded {...places} onRetry={places.reload} empty={t("noPlaces")}>
        {(items) => (
          <TableScroll label={t("placesOf", { name: employee.name })}>
            <table class="stacked">
              <caption class="visually-hidden">{t("placesOf", { name: employee.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("name")}</th>
                  <th scope="col">{t("centre")}</th>
                  <th scope="col">{t("radius")}</th>
                  {canEdit && <th scope="col">{t("actions")}</th>}
                </tr>
              </thead>
              <tbody>
                {items.map((place) => (
                  <tr key={place.id}>
                    <td data-label={t("name")}>{place.name}</td>
                    <td data-label={t("centre")}>
                      {place.lat}, {place.lon}
                    </td>
                    <td data-label={t("radius")}>{t("metres", { n: place.radiusM })}</td>
                    {canEdit && (
                      <td data-label={t("actions")} class="actions">
                        <button type="button" aria-label={t("editNamed", { name: place.name })} onClick={() => setEditing(place.id)}>
                          {t("edit")}
                        </button>{" "}
                        <ConfirmButton
                          label={t("remove")}
                          ariaLabel={t("removeNamed", { name: place.name })}
                          question={t("removePlaceQuestion", { name: place.name })}
                          detail={t("removePlaceDetail")}
                          disabled={remove.busy}
                          onConfirm={() =>
                            void remove.run(async () => {
                              await routes.remove(place.id);
                              places.setData((list) => list?.filter((p) => p.id !== place.id));
                            })
                          }
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Loaded>
      <ErrorMessage message={remove.error} />
      {canEdit && editing === null && (
        <div class="button-row">
          <button type="button" onClick={() => setEditing("new")}>
            {t("addPlace")}
          </button>
        </div>
      )}
      {canEdit && editing !== null && (
        <div class="subform">
          <h3>{editing === "new" ? t("addPlace") : t("editPlace")}</h3>
          <CircleForm
            key={editing}
            initial={places.data?.find((p) => p.id === editing)}
            context={places.data?.filter((p) => p.id !== editing)}
            submitLabel={editing === "new" ? t("addPlace") : t("save")}
            onCancel={() => setEditing(null)}
            onSubmit={async (value) => {
              put(editing === "new" ? await routes.create(value) : await routes.update(editing, value));
              setEditing(null);
            }}
          />
        </div>
      )}
    </>
  );
}
