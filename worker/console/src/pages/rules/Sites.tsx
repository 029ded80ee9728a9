import { useState } from "preact/hooks";
import { api, type Site } from "../../api";
import { CircleForm } from "../../components/CircleForm";
import { EmployeeSelect } from "../../components/EmployeeSelect";
import { AppliesTo, PeoplePicker } from "../../components/PeoplePicker";
import { PlaceList } from "../../components/PlaceList";
import { type Edit, RuleList, useRuleList } from "../../components/RuleList";
import { RulesHeader } from "../../components/RulesNav";
import { useDirectory } from "../../hooks/use-directory";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

/** Offices (geofences everyone or chosen people punch in), and each person's approved remote places. */
export function Sites() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const sites = useRuleList(() => api.sites.list(), []);
  const [placesOf, setPlacesOf] = useState("");
  const person = directory.byId.get(placesOf);

  return (
    <>
      <RulesHeader page="sites" />
      <RuleList
        list={sites}
        title={t("sites")}
        headingId="sites-heading"
        intro={t("sitesIntro")}
        empty={t("noSites")}
        columns={[
          { label: "name", cell: (site) => site.name },
          { label: "centre", cell: (site) => `${site.lat}, ${site.lon}` },
          { label: "radius", cell: (site) => t("metres", { n: site.radiusM }) },
          { label: "appliesTo", cell: (site) => <AppliesTo ids={site.employeeIds} byId={directory.byId} />, wrap: true },
        ]}
        canEdit={can.editRules}
        addLabel={t("addSite")}
        editor={(edit) => <SiteEditor {...edit} />}
        remove={(site) => api.sites.remove(site.id)}
        removeQuestion={(site) => t("removeSiteQuestion", { name: site.name })}
        removeDetail={t("removeSiteDetail")}
      />

      <section class="card" aria-labelledby="places-heading">
        <h2 id="places-heading">{t("places")}</h2>
        <p class="muted">{t("placesRulesIntro")}</p>
        <div class="filters">
          <EmployeeSelect value={placesOf} employees={directory.items?.filter((e) => e.active)} onChange={setPlacesOf} placeholder={t("choosePerson")} />
        </div>
        {person && <PlaceList key={person.id} employee={person} canEdit={can.change(person) && person.active} />}
      </section>
    </>
  );
}

function SiteEditor({ item: site, others, done }: Edit<Site>) {
  const { t } = useI18n();
  const directory = useDirectory();
  const [employeeIds, setEmployeeIds] = useState<string[] | null>(site?.employeeIds ?? null);
  return (
    <div class="subform">
      <h3>{site ? t("editSite", { name: site.name }) : t("addSite")}</h3>
      <CircleForm
        initial={site}
        context={others}
        submitLabel={site ? t("save") : t("addSite")}
        onCancel={() => done(null)}
        onSubmit={async (value) => done(site ? await api.sites.update(site.id, { ...value, employeeIds }) : await api.sites.create({ ...value, employeeIds }))}
      >
        <PeoplePicker legend={t("appliesTo")} value={employeeIds} people={directory.items ?? []} onChange={setEmployeeIds} />
      </CircleForm>
    </div>
  );
}
