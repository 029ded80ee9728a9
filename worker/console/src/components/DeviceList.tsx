import { api, type Device, type Employee } from "../api";
import { useAction } from "../hooks/use-action";
import { useResource } from "../hooks/use-resource";
import { useI18n } from "../state";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage } from "./ErrorMessage";
import { Loaded } from "./Loaded";
import { When } from "./When";
import { TableScroll } from "./TableScroll";

/** An employee's passkeys; revoking one (confirmed) refuses its punches and ends its sessions at once. */
export function DeviceList({ employee, canRevoke }: { employee: Employee; canRevoke: boolean }) {
  const { t } = useI18n();
  const devices = useResource(async () => (await api.devices(employee.id)).items, [employee.id]);
  const replace = (updated: Device) => devices.setData((list) => list?.map((d) => (d.id === updated.id ? updated : d)));

  return (
    <Loaded {...devices} onRetry={devices.reload} empty={t("noDevices")}>
      {(items) => (
        <TableScroll label={t("devicesOf", { name: employee.name })}>
          <table class="stacked">
            <caption class="visually-hidden">{t("devicesOf", { name: employee.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("deviceLabel")}</th>
                <th scope="col">{t("deviceKind")}</th>
                <th scope="col">{t("synced")}</th>
                <th scope="col">{t("added")}</th>
                <th scope="col">{t("lastUsed")}</th>
                <th scope="col">{t("status")}</th>
                {canRevoke && <th scope="col">{t("actions")}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((device) => (
                <DeviceRow key={device.id} device={device} canRevoke={canRevoke} onRevoked={replace} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </Loaded>
  );
}

function DeviceRow({ device, canRevoke, onRevoked }: { device: Device; canRevoke: boolean; onRevoked: (device: Device) => void }) {
  const { t } = useI18n();
  const revoke = useAction();
  const label = device.label ?? device.credentialId.slice(0, 12);

  return (
    <tr>
      <td data-label={t("deviceLabel")}>{label}</td>
      <td data-label={t("deviceKind")}>{device.kind === "console" ? t("kindConsole") : t("kindExtension")}</td>
      <td data-label={t("synced")}>{device.backedUp ? t("yes") : t("no")}</td>
      <td data-label={t("added")}>
        <When ms={device.createdAt} />
      </td>
      <td data-label={t("lastUsed")}>{device.lastUsedAt === null ? t("never") : <When ms={device.lastUsedAt} />}</td>
      <td data-label={t("status")}>
        {device.revokedAt === null ? (
          t("inUse")
        ) : (
          <span class="muted">
            {t("revokedAt")} <When ms={device.revokedAt} />
          </span>
        )}
      </td>
      {canRevoke && (
        <td data-label={t("actions")} class="actions">
          {device.revokedAt === null && (
            <ConfirmButton
              label={t("revoke")}
              ariaLabel={t("revokeDevice", { label })}
              question={t("confirmRevokeDevice", { label })}
              detail={t("revokeDetail")}
              disabled={revoke.busy}
              onConfirm={() => void revoke.run(async () => onRevoked(await api.revokeDevice(device.id)))}
            />
          )}
          <ErrorMessage message={revoke.error} />
        </td>
      )}
    </tr>
  );
}
