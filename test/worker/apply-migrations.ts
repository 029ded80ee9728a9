import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Each test file starts from an empty, migrated database (files run one at a time).
await reset();
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
