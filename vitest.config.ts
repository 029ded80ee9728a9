import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

// wrangler.toml points static assets at the console build; the worker tests do not need it built.
mkdirSync("worker/console/dist", { recursive: true });

const migrations = await readD1Migrations("worker/db/migrations");
const receiptKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });

export const TEST_SETUP_TOKEN = "test-setup-token";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "shared",
          include: ["test/shared/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        plugins: [
          cloudflareTest({
            main: "./worker/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                SETUP_TOKEN: TEST_SETUP_TOKEN,
                NONCE_SECRET: randomBytes(32).toString("base64url"),
                RECEIPT_KEY: JSON.stringify(receiptKey),
                // As deployed (wrangler.toml), whatever a local `npm start` wrote into .dev.vars,
                // which the pool reads too (it sets none, for wrangler dev's placeholder geo).
                IP_GEO_SOURCE: "cloudflare",
                // Tests read each request's D1 round trips and rows from Server-Timing.
                SERVER_TIMING: "on",
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["test/worker/apply-migrations.ts"],
          // Tests that count to a rate limit may first wait out the end of a 15-minute window.
          testTimeout: 60_000,
          // One database for the pool: files run one at a time, each from an empty one.
          fileParallelism: false,
        },
      },
      {
        // Extension logic with WXT's fake browser (storage, alarms, runtime) in place of chrome.*.
        plugins: [WxtVitest({ root: "extension" })],
        test: {
          name: "extension",
          include: ["test/extension/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        // The console's logic and components (CSV import, schedule editor, report totals) in happy-dom.
        oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
        test: {
          name: "console",
          include: ["test/console/**/*.test.{ts,tsx}"],
          environment: "happy-dom",
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // A browser against a local Worker on two shared cores: what a user sees may take seconds.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
