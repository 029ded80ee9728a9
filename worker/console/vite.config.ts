import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Built from the repository root (`vite build --config worker/console/vite.config.ts`) into the
// Worker's static assets; wrangler.toml serves worker/console/dist, so the app lives at /admin/.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/admin/",
  plugins: [preact()],
  build: {
    outDir: "dist/admin",
    emptyOutDir: true,
  },
});
