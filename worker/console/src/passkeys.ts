import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import { api, type Employee } from "./api";

/** Registers a console passkey with a one-time console code; the server then sets the session cookie. */
export async function enrollConsolePasskey(code: string): Promise<Employee> {
  const { flowId, options } = await api.consoleEnrollOptions<PublicKeyCredentialCreationOptionsJSON>(code);
  const response = await startRegistration({ optionsJSON: options });
  return (await api.consoleEnrollVerify({ flowId, code, response })).employee;
}

/** Signs in with a discoverable console passkey. */
export async function signInWithPasskey(): Promise<Employee> {
  const { flowId, options } = await api.loginOptions<PublicKeyCredentialRequestOptionsJSON>();
  const response = await startAuthentication({ optionsJSON: options });
  return (await api.loginVerify({ flowId, response })).employee;
}
