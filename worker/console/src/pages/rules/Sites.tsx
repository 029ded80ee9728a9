import { useState } from "preact/hooks";
import { api, type Site } from "../../api";
import { CircleForm } from "../../components/CircleForm";
import { ConfirmButton } from "../../components/ConfirmButton";
import { EmployeeSelect } from "../../components/EmployeeSelect";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Loaded } from "../../components/Loaded";
import { AppliesTo, PeoplePicker } from "../../components/PeoplePicker";
import { PlaceList } from "../../components/PlaceList";
import { RulesHeader } from "../../components/RulesNav";
import { TableScroll } from "../../components/TableScroll";
import { useAction } from "../../hooks/use-action";
import { useDirectory } from "../../hooks/use-directory";
import { useResource } from "../../hooks/use-resource";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

/** Offices (geofences everyone or chosen people punch in), and each person's approved remote places. */
export function Sites() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const sites = useResource(async () => (await api.sites.list()).items, []);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [placesOf, setPlacesOf] = useState("");
  const remove = useAction();
  const put = (site: Site) => sites.setData((list) => [...(list ?? []).filter((s) => s.id !== site.id), site].sort((a, b) => a.name.localeCompare(b.name)));
  const person = directory.byId.get(placesOf);

  return (
    <>
      <RulesHeader page="sites" />
      <section class="card" aria-labelledby="sites-heading">
        <div class="section-head">
          <h2 id="sites-heading">{t("sites")}</h2>
          {can.editRules && editing === null && (
            <button type="button" class="primary" onClick={() => setEditing("new")}>
              {t("addSite")}
            </button>
          )}
        </div>
        <p class="muted">{t("sitesIntro")}</p>
        <Loaded {...sites} onRetry={sites.reload} empty={t("noSites")}>
          {(items) => (
            <TableScroll label={t("sites")}>
              <table class="stacked">
                <caption class="visually-hidden">{t("sites")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("name")}</th>
                    <th scope="col">{t("centre")}</th>
                    <th scope="col">{t("radius")}</th>
                    <th scope="col">{t("appliesTo")}</th>
                    {can.editRules && <th scope="col">{t("actions")}</th>}
                  </tr>
                </thead>
                <tbody>
                  {items.map((site) => (
                    <tr key={site.id}>
                      <td data-label={t("name")}>{site.name}</td>
                      <td data-label={t("centre")}>
                        {site.lat}, {site.lon}
                      </td>
                      <td data-label={t("radius")}>{t("metres", { n: site.radiusM })}</td>
                      <td data-label={t("appliesTo")} class="wrap">
                        <AppliesTo ids={site.employeeIds} byId={directory.byId} />
                      </td>
                      {can.editRules && (
                        <td data-label={t("actions")} class="actions">
                          <button type="button" aria-label={t("editNamed", { name: site.name })} onClick={() => setEditing(site.id)}>
                            {t("edit")}
                          </button>{" "}
                          <ConfirmButton
                            label={t("remove")}
                            ariaLabel={t("removeNamed", { name: site.name })}
                            question={t("removeSiteQuestion", { name: site.name })}
                            detail={t("removeSiteDetail")}
                            disabled={remove.busy}
                            onConfirm={() =>
                              void remove.run(async () => {
                                await api.sites.remove(site.id);
                                sites.setData((list) => list?.filter((s) => s.id !== site.id));
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
        {can.editRules && editing !== null && <SiteEditor key={editing} site={sites.data?.find((s) => s.id === editing)} others={(sites.data ?? []).filter((s) => s.id !== editing)} onDone={(site) => {
          if (site) put(site);
          setEditing(null);
        }} />}
      </section>

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

function SiteEditor({ site, others, onDone }: { site?: Site; others: Site[]; onDone: (site: Site | null) => void }) {
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
        onCancel={() => onDone(null)}
        onSubmit={async (value) => onDone(site ? await api.sites.update(site.id, { ...value, employeeIds }) : await api.sites.create({ ...value, employeeIds }))}
      >
        <PeoplePicker legend={t("appliesTo")} value={employeeIds} people={directory.items ?? []} onChange={setEmployeeIds} />
      </CircleForm>
    </div>
  );
}
