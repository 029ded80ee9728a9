import { useState } from "preact/hooks";
import { isValidCidr } from "../../../../../shared/network";
import { api, type Network } from "../../api";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Field } from "../../components/Field";
import { Loaded } from "../../components/Loaded";
import { AppliesTo, PeoplePicker } from "../../components/PeoplePicker";
import { RulesHeader } from "../../components/RulesNav";
import { TableScroll } from "../../components/TableScroll";
import { useAction } from "../../hooks/use-action";
import { useDirectory } from "../../hooks/use-directory";
import { useResource } from "../../hooks/use-resource";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

/** Networks punches may come from (office lines, the VPN), as CIDR ranges, for everyone or chosen people. */
export function Networks() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const networks = useResource(async () => (await api.networks.list()).items, []);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const remove = useAction();
  const put = (network: Network) => networks.setData((list) => [...(list ?? []).filter((n) => n.id !== network.id), network].sort((a, b) => a.name.localeCompare(b.name)));

  return (
    <>
      <RulesHeader page="networks" />
      <section class="card" aria-labelledby="networks-heading">
        <div class="section-head">
          <h2 id="networks-heading">{t("rulesNetworks")}</h2>
          {can.editRules && editing === null && (
            <button type="button" class="primary" onClick={() => setEditing("new")}>
              {t("addNetwork")}
            </button>
          )}
        </div>
        <p class="muted">{t("networksIntro")}</p>
        <Loaded {...networks} onRetry={networks.reload} empty={t("noNetworks")}>
          {(items) => (
            <TableScroll label={t("rulesNetworks")}>
              <table class="stacked">
                <caption class="visually-hidden">{t("rulesNetworks")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("name")}</th>
                    <th scope="col">{t("cidr")}</th>
                    <th scope="col">{t("appliesTo")}</th>
                    {can.editRules && <th scope="col">{t("actions")}</th>}
                  </tr>
                </thead>
                <tbody>
                  {items.map((network) => (
                    <tr key={network.id}>
                      <td data-label={t("name")}>{network.name}</td>
                      <td data-label={t("cidr")}>
                        <code>{network.cidr}</code>
                      </td>
                      <td data-label={t("appliesTo")} class="wrap">
                        <AppliesTo ids={network.employeeIds} byId={directory.byId} />
                      </td>
                      {can.editRules && (
                        <td data-label={t("actions")} class="actions">
                          <button type="button" aria-label={t("editNamed", { name: network.name })} onClick={() => setEditing(network.id)}>
                            {t("edit")}
                          </button>{" "}
                          <ConfirmButton
                            label={t("remove")}
                            ariaLabel={t("removeNamed", { name: network.name })}
                            question={t("removeNetworkQuestion", { name: network.name })}
                            detail={t("removeNetworkDetail")}
                            disabled={remove.busy}
                            onConfirm={() =>
                              void remove.run(async () => {
                                await api.networks.remove(network.id);
                                networks.setData((list) => list?.filter((n) => n.id !== network.id));
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
        {can.editRules && editing !== null && (
          <NetworkForm
            key={editing}
            network={networks.data?.find((n) => n.id === editing)}
            onDone={(network) => {
              if (network) put(network);
              setEditing(null);
            }}
          />
        )}
      </section>
    </>
  );
}

function NetworkForm({ network, onDone }: { network?: Network; onDone: (network: Network | null) => void }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const { busy, error, run } = useAction();
  const [name, setName] = useState(network?.name ?? "");
  const [cidr, setCidr] = useState(network?.cidr ?? "");
  const [employeeIds, setEmployeeIds] = useState<string[] | null>(network?.employeeIds ?? null);
  // Checked as typed, by the server's own rule (shared/network.ts).
  const cidrOk = isValidCidr(cidr);
  const submit = (event: Event) => {
    event.preventDefault();
    if (!cidrOk || !name.trim()) return;
    void run(async () => {
      const body = { name: name.trim(), cidr: cidr.trim(), employeeIds };
      onDone(network ? await api.networks.update(network.id, body) : await api.networks.create(body));
    });
  };
  return (
    <form class="subform" onSubmit={submit}>
      <h3>{network ? t("editSite", { name: network.name }) : t("addNetwork")}</h3>
      <div class="form-grid two">
        <Field label={t("name")}>{(c) => <input {...c} name="name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
        <Field label={t("cidr")} hint={cidr && !cidrOk ? t("cidrInvalid") : t("cidrHint")}>
          {(c) => <input {...c} name="cidr" required class="mono" spellcheck={false} autoComplete="off" value={cidr} aria-invalid={cidr !== "" && !cidrOk} onInput={(e) => setCidr(e.currentTarget.value)} />}
        </Field>
        <div class="span-all">
          <PeoplePicker legend={t("appliesTo")} value={employeeIds} people={directory.items ?? []} onChange={setEmployeeIds} />
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy || !cidrOk}>
          {busy ? t("working") : network ? t("save") : t("addNetwork")}
        </button>
        <button type="button" onClick={() => onDone(null)}>
          {t("cancel")}
        </button>
      </div>
      <ErrorMessage message={error} />
    </form>
  );
}
