import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const dist = fileURLToPath(new URL("./dist", import.meta.url));

// Built from the repository root (`vite build --config worker/console/vite.config.ts`) into the
// Worker's static assets; wrangler.toml serves worker/console/dist, so the app lives at /admin/.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/admin/",
  plugins: [
    preact(),
    {
      // The manifest (for scripts/sizes.mjs) is for the build machine, not for visitors.
      name: "keep-manifest-private",
      apply: "build",
      closeBundle: () => writeFileSync(`${dist}/.assetsignore`, "admin/.vite\n"),
    },
  ],
  build: {
    outDir: "dist/admin",
    emptyOutDir: true,
    // Chunk names and sizes per page for scripts/sizes.mjs.
    manifest: true,
  },
});
