import { storage } from "wxt/utils/storage";

export const DEFAULT_SERVER_URL = "http://localhost:8787";

/** Where the Clockwork Worker runs; the options page will let people change it. */
export const serverUrlItem = storage.defineItem<string>("local:serverUrl", { fallback: DEFAULT_SERVER_URL });
