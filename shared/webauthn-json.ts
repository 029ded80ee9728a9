import { z } from "zod";
import { BASE64URL_PATTERN } from "./encoding";

const b64url = (max: number) => z.string().min(1).max(max).regex(BASE64URL_PATTERN, "must be base64url");

const TRANSPORTS = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"] as const;

/**
 * The extension outputs a browser may report, and nothing else: the object is stored with every
 * punch, so it is small and strict (an unknown key is a 400), never a place for arbitrary data.
 */
const ClientExtensionResultsSchema = z.strictObject({
  appid: z.boolean().optional(),
  credProps: z.strictObject({ rk: z.boolean().optional() }).optional(),
});

/** `RegistrationResponseJSON` of @simplewebauthn (what `navigator.credentials.create` yields, as JSON). */
export const RegistrationResponseJSONSchema = z.object({
  id: b64url(1366),
  rawId: b64url(1366),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(65536),
    authenticatorData: b64url(65536).optional(),
    transports: z.array(z.enum(TRANSPORTS)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(8192).optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: ClientExtensionResultsSchema,
});

/** `AuthenticationResponseJSON` of @simplewebauthn (what `navigator.credentials.get` yields, as JSON). */
export const AuthenticationResponseJSONSchema = z.object({
  id: b64url(1366),
  rawId: b64url(1366),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(1024),
    userHandle: b64url(1024).optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: ClientExtensionResultsSchema,
});

export type RegistrationResponseJSON = z.infer<typeof RegistrationResponseJSONSchema>;
export type AuthenticationResponseJSON = z.infer<typeof AuthenticationResponseJSONSchema>;
