import { useEffect, useState } from "preact/hooks";
import { api, type Device, type Employee } from "../api";
import { formatTime } from "../format";
import { useAppState } from "../state";
import { useAction } from "../use-action";
import { ErrorMessage } from "./ErrorMessage";

export function DeviceList({ employee, canRevoke }: { employee: Employee; canRevoke: boolean }) {
  const { t } = useAppState();
  const load = useAction();
  const [devices, setDevices] = useState<Device[] | null>(null);

  useEffect(() => {
    void load.run(async () => setDevices((await api.devices(employee.id)).items));
  }, [employee.id]);

  const replace = (updated: Device) => setDevices((list) => list?.map((d) => (d.id === updated.id ? updated : d)) ?? null);

  return (
    <div class="devices">
      <h3>{t("devicesOf", { name: employee.name })}</h3>
      <ErrorMessage message={load.error} />
      {devices === null ? (
        load.busy && <p>{t("loading")}</p>
      ) : devices.length === 0 ? (
        <p class="empty">{t("noDevices")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("deviceLabel")}</th>
              <th scope="col">{t("deviceKind")}</th>
              <th scope="col">{t("added")}</th>
              <th scope="col">{t("lastUsed")}</th>
              <th scope="col">{t("status")}</th>
              {canRevoke && <th scope="col">{t("actions")}</th>}
            </tr>
          </thead>
          <tbody>
            {devices.map((device) => (
              <DeviceRow key={device.id} device={device} canRevoke={canRevoke} onRevoked={replace} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function DeviceRow({ device, canRevoke, onRevoked }: { device: Device; canRevoke: boolean; onRevoked: (device: Device) => void }) {
  const { t, locale } = useAppState();
  const revoke = useAction();
  const [confirming, setConfirming] = useState(false);
  const label = device.label ?? device.credentialId.slice(0, 12);

  return (
    <tr>
      <td>{label}</td>
      <td>{device.kind === "console" ? t("kindConsole") : t("kindExtension")}</td>
      <td>{formatTime(locale, device.createdAt)}</td>
      <td>{device.lastUsedAt === null ? t("never") : formatTime(locale, device.lastUsedAt)}</td>
      <td>{device.revokedAt === null ? t("inUse") : <span class="muted">{t("revoked", { time: formatTime(locale, device.revokedAt) })}</span>}</td>
      {canRevoke && (
        <td class="actions">
          {device.revokedAt === null &&
            (confirming ? (
              <>
                <button
                  type="button"
                  class="danger"
                  aria-label={t("confirmRevokeDevice", { label })}
                  disabled={revoke.busy}
                  onClick={() => revoke.run(async () => onRevoked(await api.revokeDevice(device.id)))}
                >
                  {t("confirmRevoke")}
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  {t("cancel")}
                </button>
              </>
            ) : (
              <button type="button" aria-label={t("revokeDevice", { label })} onClick={() => setConfirming(true)}>
                {t("revoke")}
              </button>
            ))}
          <ErrorMessage message={revoke.error} />
        </td>
      )}
    </tr>
  );
}
