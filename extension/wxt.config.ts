import preact from "@preact/preset-vite";
import { defineConfig } from "wxt";
import pkg from "../package.json";

// Built from the repository root with `wxt build extension`: this folder is WXT's root and srcDir.
export default defineConfig({
  srcDir: ".",
  outDir: ".output",
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser, manifestVersion }) => ({
    name: "__MSG_extName__",
    description: "__MSG_extDescription__",
    default_locale: "en",
    version: pkg.version,
    // Only what the code uses: typed storage and the offline queue (storage), retries and
    // reminders (alarms), reminder notifications, and the punch's location (geolocation).
    permissions: ["storage", "alarms", "notifications", "geolocation"],
    // No host permissions: the extension only talks to its own Clockwork server, which answers
    // CORS for the extension's origin (EXTENSION_ORIGINS), so its pages and service worker reach
    // it like any cross-origin caller. It never reads or changes web pages: no content scripts.
    // IT pre-configures the server, its lock, the organisation name, language and reminders
    // through managed storage (docs/it-deployment.md).
    storage: { managed_schema: "managed_schema.json" },
    icons: { 16: "icon/16.png", 32: "icon/32.png", 48: "icon/48.png", 128: "icon/128.png" },
    action: {
      default_title: "__MSG_extName__",
      default_icon: { 16: "icon/16.png", 32: "icon/32.png" },
    },
    commands: {
      // Opens the popup, whose focused button punches with Enter: two keystrokes from anywhere.
      // (Manifest V2, Firefox's default build, calls the same command _execute_browser_action.)
      [manifestVersion === 2 ? "_execute_browser_action" : "_execute_action"]: {
        suggested_key: { default: "Alt+Shift+K" },
        description: "__MSG_commandPunch__",
      },
    },
    // Pins the extension ID to bijgbcejjbekagfimlaolacafidilfig (SHA-256 of this DER public key),
    // so store, self-hosted and test builds share one ID and one set of passkeys.
    // Firefox ignores `key`: its ID comes from browser_specific_settings (docs/firefox.md), and
    // managed storage (IT policy) needs that ID.
    ...(browser === "firefox"
      ? { browser_specific_settings: { gecko: { id: "clockwork@clockwork.example" } } }
      : { key: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtnm8wi9OkCNnAamq8BRt6GyKQqUeIBQw1YEeO1SKyd+Pio3xzGV15ztZo9boTPa3TFC4DIBp5+eaItjVv7NsMIrDVLCIHRP6Hrhd+1gzelymq8NOhqNQ4FzhX6DXi8Ck621tFqmozFJxhLdANtakjfHLA2ma3CKFozUvs76hsptp/r6cRE6PCRKmeRDG6pDb3i2fy7YO9sOz5N2CiiGw4Nd30C33h2RVWk1lJ/o43ZhLkcIur+maqWN2MzaH6E7EybLvOCPKg/AcssHoNCMCAOLDoPd4iyjBGteiU/KTH895I5apUl5IRM2Jp3V3umtcOpsSyh3cPamwOBMdAK1DJwIDAQAB" }),
  }),
});
