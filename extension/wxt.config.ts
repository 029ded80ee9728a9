import preact from "@preact/preset-vite";
import { defineConfig } from "wxt";
import pkg from "../package.json";

// Built from the repository root with `wxt build extension`: this folder is WXT's root and srcDir.
export default defineConfig({
  srcDir: ".",
  outDir: ".output",
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: "Clockwork",
    version: pkg.version,
    description: "Clock in and out with a passkey-signed punch.",
    permissions: ["storage", "alarms", "notifications", "geolocation"],
    host_permissions: ["http://localhost/*", "https://*/*"],
    // Pins the extension ID to bijgbcejjbekagfimlaolacafidilfig (SHA-256 of this DER public key),
    // so store, self-hosted and test builds share one ID and one set of passkeys.
    key: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtnm8wi9OkCNnAamq8BRt6GyKQqUeIBQw1YEeO1SKyd+Pio3xzGV15ztZo9boTPa3TFC4DIBp5+eaItjVv7NsMIrDVLCIHRP6Hrhd+1gzelymq8NOhqNQ4FzhX6DXi8Ck621tFqmozFJxhLdANtakjfHLA2ma3CKFozUvs76hsptp/r6cRE6PCRKmeRDG6pDb3i2fy7YO9sOz5N2CiiGw4Nd30C33h2RVWk1lJ/o43ZhLkcIur+maqWN2MzaH6E7EybLvOCPKg/AcssHoNCMCAOLDoPd4iyjBGteiU/KTH895I5apUl5IRM2Jp3V3umtcOpsSyh3cPamwOBMdAK1DJwIDAQAB",
  },
});
