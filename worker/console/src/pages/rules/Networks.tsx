import { useState } from "preact/hooks";
import { isValidCidr } from "../../../../../shared/network";
import { api, type Network } from "../../api";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Field } from "../../components/Field";
import { AppliesTo, PeoplePicker } from "../../components/PeoplePicker";
import { type Edit, RuleList, useRuleList } from "../../components/RuleList";
import { RulesHeader } from "../../components/RulesNav";
import { useAction } from "../../hooks/use-action";
import { useDirectory } from "../../hooks/use-directory";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

/** Networks punches may come from (office lines, the VPN), as CIDR ranges, for everyone or chosen people. */
export function Networks() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const networks = useRuleList(() => api.networks.list(), []);

  return (
    <>
      <RulesHeader page="networks" />
      <RuleList
        list={networks}
        title={t("rulesNetworks")}
        headingId="networks-heading"
        intro={t("networksIntro")}
        empty={t("noNetworks")}
        columns={[
          { label: "name", cell: (network) => network.name },
          { label: "cidr", cell: (network) => <code>{network.cidr}</code> },
          { label: "appliesTo", cell: (network) => <AppliesTo ids={network.employeeIds} byId={directory.byId} />, wrap: true },
        ]}
        canEdit={can.editRules}
        addLabel={t("addNetwork")}
        editor={(edit) => <NetworkForm {...edit} />}
        remove={(network) => api.networks.remove(network.id)}
        removeQuestion={(network) => t("removeNetworkQuestion", { name: network.name })}
        removeDetail={t("removeNetworkDetail")}
      />
    </>
  );
}

function NetworkForm({ item: network, done }: Edit<Network>) {
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
      done(network ? await api.networks.update(network.id, body) : await api.networks.create(body));
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
        <button type="button" onClick={() => done(null)}>
          {t("cancel")}
        </button>
      </div>
      <ErrorMessage message={error} />
    </form>
  );
}
