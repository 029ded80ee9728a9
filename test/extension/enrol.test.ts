import { fakeBrowser } from "wxt/testing/fake-browser";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, type Api } from "../../extension/utils/api";
import { enrol, NOTICE_VERSION, PasskeyCancelledError } from "../../extension/utils/enrol";
import {
  attentionItem,
  enrolmentItem,
  locationPrecisionFor,
  punchStateItem,
  queueItem,
  serverUrlItem,
  sessionItem,
} from "../../extension/utils/storage";
import { ENROLMENT, T0, signed } from "./fakes";

beforeEach(() => fakeBrowser.reset());

const registration = {
  id: "bmV3LWNyZWQ",
  rawId: "bmV3LWNyZWQ",
  type: "public-key" as const,
  response: { clientDataJSON: "Y2Q", attestationObject: "YW8", transports: ["internal" as const] },
  clientExtensionResults: {},
};

function fakeApi(employee = { id: "emp_2", name: "Grace Hopper" }) {
  const enrollOptions = vi.fn().mockResolvedValue({
    flowId: "flow_1",
    options: {
      challenge: "Y2hhbGxlbmdl",
      rp: { name: "Clockwork", id: "chrome-extension://bijgbcejjbekagfimlaolacafidilfig" },
      user: { id: "dXNlcg", name: "grace@example.com", displayName: "Grace Hopper" },
      pubKeyCredParams: [{ type: "public-key", alg: -7 }],
      authenticatorSelection: { userVerification: "required", residentKey: "preferred" },
    },
    employee,
  });
  const enrollVerify = vi.fn().mockResolvedValue({
    employeeId: employee.id,
    credentialId: "bmV3LWNyZWQ",
    session: { token: "session-1", expiresAt: T0 + 86_400_000 },
    locationPrecision: 2,
  });
  return { api: { enrollOptions, enrollVerify } as unknown as Api, enrollOptions, enrollVerify };
}

describe("enrol", () => {
  it("creates the passkey without an RP ID, sends consent, and remembers the employee", async () => {
    const { api, enrollOptions, enrollVerify } = fakeApi();
    const register = vi.fn().mockResolvedValue(registration);

    const enrolment = await enrol({ serverUrl: "https://clock.example.com", code: " ABCD-1234 ", deviceLabel: "Work laptop", api, register, now: () => T0 });

    expect(enrollOptions).toHaveBeenCalledWith("ABCD-1234");
    const options = register.mock.calls[0]![0];
    expect(options.rp).toEqual({ name: "Clockwork" });
    expect(options.challenge).toBe("Y2hhbGxlbmdl");
    expect(options.user.name).toBe("grace@example.com");
    expect(enrollVerify).toHaveBeenCalledWith({ flowId: "flow_1", code: "ABCD-1234", response: registration, deviceLabel: "Work laptop", consent: true, consentVersion: NOTICE_VERSION });

    const expected = {
      serverUrl: "https://clock.example.com",
      employeeId: "emp_2",
      employeeName: "Grace Hopper",
      credentialId: "bmV3LWNyZWQ",
      deviceLabel: "Work laptop",
      enrolledAt: T0,
    };
    expect(enrolment).toEqual(expected);
    expect(await enrolmentItem.getValue()).toEqual(expected);
    expect(await sessionItem.getValue()).toEqual({ token: "session-1", expiresAt: T0 + 86_400_000 });
    expect(await serverUrlItem.getValue()).toBe("https://clock.example.com");
    // The company's location precision applies from the first punch on, before any GET /api/me.
    expect(await locationPrecisionFor("https://clock.example.com")).toBe(2);
  });

  it("a new employee on this browser starts with an empty history and state, and the last employee's waiting punches are still kept", async () => {
    await enrolmentItem.setValue(ENROLMENT); // emp_1
    const old = signed(T0);
    await queueItem.setValue([{ ...old, queuedAt: T0, attempts: 0, nextAttemptAt: T0, lastError: null }]);
    await attentionItem.setValue([{ ...old, status: 403, code: "CREDENTIAL_REVOKED", message: "x", at: T0 }]);
    await punchStateItem.setValue({ kind: "in", since: T0, pending: true });

    await enrol({ serverUrl: "https://clock.example.com", code: "C", deviceLabel: "L", ...fakeApi(), register: async () => registration, now: () => T0 });

    expect(await queueItem.getValue()).toHaveLength(1);
    expect(await attentionItem.getValue()).toHaveLength(1);
    expect(await punchStateItem.getValue()).toMatchObject({ kind: null, since: null, pending: false });
  });

  it("re-enrolling the same employee keeps their waiting punches", async () => {
    await enrolmentItem.setValue({ ...ENROLMENT, employeeId: "emp_2" });
    const old = signed(T0);
    await queueItem.setValue([{ ...old, queuedAt: T0, attempts: 0, nextAttemptAt: T0, lastError: null }]);

    await enrol({ serverUrl: "https://clock.example.com", code: "C", deviceLabel: "L", ...fakeApi(), register: async () => registration, now: () => T0 });

    expect(await queueItem.getValue()).toHaveLength(1);
  });

  it.each(["NotAllowedError", "AbortError"])("a cancelled passkey prompt (%s) is reported as such and nothing is stored", async (name) => {
    const { api, enrollVerify } = fakeApi();
    const register = vi.fn().mockRejectedValue(new DOMException("The operation either timed out or was not allowed.", name));

    await expect(enrol({ serverUrl: "https://clock.example.com", code: "C", deviceLabel: "L", api, register, now: () => T0 })).rejects.toBeInstanceOf(
      PasskeyCancelledError,
    );
    expect(enrollVerify).not.toHaveBeenCalled();
    expect(await enrolmentItem.getValue()).toBeNull();
    expect(await sessionItem.getValue()).toBeNull();
  });

  it("an invalid code keeps the server's error", async () => {
    const api = { enrollOptions: vi.fn().mockRejectedValue(new ApiError(404, "ENROLLMENT_CODE_INVALID", "Unknown code")) } as unknown as Api;
    const register = vi.fn();
    const error = await enrol({ serverUrl: "https://clock.example.com", code: "X", deviceLabel: "L", api, register, now: () => T0 }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: "ENROLLMENT_CODE_INVALID" });
    expect(register).not.toHaveBeenCalled();
    expect(await enrolmentItem.getValue()).toBeNull();
  });
});
