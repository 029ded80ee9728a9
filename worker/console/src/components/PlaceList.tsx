import { api, type Employee } from "../api";
import { useI18n } from "../state";
import { CircleForm } from "./CircleForm";
import { RuleList, useRuleList } from "./RuleList";

/** Someone's approved remote places (home offices): punches there count as on site for them alone. */
export function PlaceList({ employee, canEdit }: { employee: Employee; canEdit: boolean }) {
  const { t } = useI18n();
  const routes = api.places(employee.id);
  const places = useRuleList(() => routes.list(), [employee.id]);

  return (
    <RuleList
      list={places}
      title={t("placesOf", { name: employee.name })}
      intro={t("placesIntro")}
      empty={t("noPlaces")}
      columns={[
        { label: "name", cell: (place) => place.name },
        { label: "centre", cell: (place) => `${place.lat}, ${place.lon}` },
        { label: "radius", cell: (place) => t("metres", { n: place.radiusM }) },
      ]}
      canEdit={canEdit}
      addLabel={t("addPlace")}
      editor={({ item: place, others, done }) => (
        <div class="subform">
          <h3>{place ? t("editPlace") : t("addPlace")}</h3>
          <CircleForm
            initial={place}
            context={others}
            submitLabel={place ? t("save") : t("addPlace")}
            onCancel={() => done(null)}
            onSubmit={async (value) => done(place ? await routes.update(place.id, value) : await routes.create(value))}
          />
        </div>
      )}
      remove={(place) => routes.remove(place.id)}
      removeQuestion={(place) => t("removePlaceQuestion", { name: place.name })}
      removeDetail={t("removePlaceDetail")}
    />
  );
}
