import { useState } from "preact/hooks";
import { api, type ApiKey, type ApiKeyCreated, type ApiKeyRole } from "../api";
import { ConfirmButton } from "../components/ConfirmButton";
import { CopyButton } from "../components/CopyButton";
import { EmployeeName } from "../components/EmployeeName";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { PageHeader } from "../components/PageHeader";
import { TableScroll } from "../components/TableScroll";
import { When } from "../components/When";
import { useAction } from "../hooks/use-action";
import { useDirectory } from "../hooks/use-directory";
import { useResource } from "../hooks/use-resource";
import { ROLE_LABELS } from "../labels";
import { usePermissions } from "../permissions";
import { useI18n } from "../state";

const KEY_ROLES: ApiKeyRole[] = ["auditor", "manager", "admin"];

/** Keys for integrations (payroll, HR systems): create with a role (the key shown once), see last use, revoke. Admins only. */
export function ApiKeys() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const keys = useResource(async () => (can.apiKeys ? (await api.apiKeys()).items : []), []);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const revoke = useAction();
  const put = (key: ApiKey) => keys.setData((list) => (list?.some((k) => k.id === key.id) ? list.map((k) => (k.id === key.id ? key : k)) : [...(list ?? []), key]));

  if (!can.apiKeys) {
    return (
      <>
        <PageHeader title={t("navApiKeys")} />
        <p class="empty">{t("apiKeysForbidden")}</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t("navApiKeys")} />
      <section class="card" aria-labelledby="create-key-heading">
        <h2 id="create-key-heading">{t("createKey")}</h2>
        <p class="muted">{t("apiKeysIntro")}</p>
        <CreateKeyForm
          onCreated={(key) => {
            setCreated(key);
            const { key: _secret, ...record } = key;
            put(record);
          }}
        />
        {created && (
          <div class="issued-code" role="status">
            <span>{t("keyCreated", { label: created.label })}</span>
            <code data-testid="api-key" class="break">
              {created.key}
            </code>
            <CopyButton text={created.key} label={t("copyKey")} />
            <span class="muted">{t("keyShownOnce")}</span>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">{t("keysList")}</h2>
        <Loaded {...keys} onRetry={keys.reload} empty={t("noKeys")}>
          {(items) => (
            <TableScroll label={t("keysList")}>
              <table class="stacked">
                <caption class="visually-hidden">{t("keysList")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("keyLabel")}</th>
                    <th scope="col">{t("role")}</th>
                    <th scope="col">{t("added")}</th>
                    <th scope="col">{t("lastUsed")}</th>
                    <th scope="col">{t("status")}</th>
                    <th scope="col">{t("actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...items].reverse().map((key) => (
                    <tr key={key.id} data-key={key.id}>
                      <td data-label={t("keyLabel")}>{key.label}</td>
                      <td data-label={t("role")}>{t(ROLE_LABELS[key.role])}</td>
                      <td data-label={t("added")}>
                        <When ms={key.createdAt} />
                        {key.createdBy && (
                          <span class="muted small">
                            {" "}
                            · <EmployeeName id={key.createdBy} byId={directory.byId} />
                          </span>
                        )}
                      </td>
                      <td data-label={t("lastUsed")}>{key.lastUsedAt === null ? t("never") : <When ms={key.lastUsedAt} />}</td>
                      <td data-label={t("status")}>
                        {key.revokedAt === null ? (
                          t("inUse")
                        ) : (
                          <span class="muted">
                            {t("revokedAt")} <When ms={key.revokedAt} />
                          </span>
                        )}
                      </td>
                      <td data-label={t("actions")} class="actions">
                        {key.revokedAt === null && (
                          <ConfirmButton
                            label={t("revoke")}
                            ariaLabel={t("revokeKey", { label: key.label })}
                            question={t("revokeKeyQuestion", { label: key.label })}
                            detail={t("revokeKeyDetail")}
                            disabled={revoke.busy}
                            onConfirm={() => void revoke.run(async () => put(await api.revokeApiKey(key.id)))}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Loaded>
        <ErrorMessage message={revoke.error} />
      </section>
    </>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: ApiKeyCreated) => void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [label, setLabel] = useState("");
  const [role, setRole] = useState<ApiKeyRole>("auditor");
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      onCreated(await api.createApiKey({ label: label.trim(), role }));
      setLabel("");
    });
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <Field label={t("keyLabel")} hint={t("keyLabelHint")}>
        {(c) => <input {...c} name="label" required maxLength={200} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />}
      </Field>
      <Field label={t("role")}>
        {(c) => (
          <select {...c} name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as ApiKeyRole)}>
            {KEY_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABELS[r])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("working") : t("createKeyButton")}
        </button>
      </div>
      <ErrorMessage message={error} />
    </form>
  );
}
