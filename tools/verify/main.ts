import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatReport } from "./report";
import { verifyWorker } from "./verify";

export { verifyWorker, type VerifyOptions } from "./verify";
export { formatReport, FAILURE_KINDS, type Failure, type FailureKind, type VerifyReport } from "./report";

const USAGE = `Usage: npm run verify -- --url <worker> --api-key <key> [--from <ms|date>] [--to <ms|date>] [--receipt-key <jwk file>] [--json]

Checks every punch's passkey signature, receipt and audit entries, and re-walks the audit chain,
trusting nothing the server computed. The API key (admin or auditor) may also come from
CLOCKWORK_API_KEY. --from/--to take epoch milliseconds, an ISO time, or a date (UTC; --to a date
means the end of that day). --receipt-key checks receipts with a key obtained apart from the
server instead of the one it publishes. Exits 0 when everything holds, 1 when anything fails,
2 when the check could not run.`;

/** Epoch ms from milliseconds, an ISO time or a `YYYY-MM-DD` date (whole day: start for --from, end for --to). */
export function parseTime(text: string, end: boolean): number {
  if (/^\d+$/.test(text)) return Number(text);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${text}`);
  return dateOnly && end ? ms + 86_400_000 - 1 : ms;
}

/** Runs the command; returns the exit code (0 all holds, 1 failures, 2 could not run). */
export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        "api-key": { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        "receipt-key": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    out(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const apiKey = values["api-key"] ?? process.env.CLOCKWORK_API_KEY;
  if (values.help || !values.url || !apiKey) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    const report = await verifyWorker({
      url: values.url,
      apiKey,
      from: values.from === undefined ? null : parseTime(values.from, false),
      to: values.to === undefined ? null : parseTime(values.to, true),
      ...(values["receipt-key"] ? { receiptKey: JSON.parse(readFileSync(values["receipt-key"], "utf8")) as Record<string, unknown> } : {}),
    });
    out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.failures.length === 0 ? 0 : 1;
  } catch (err) {
    out(`verification could not run: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}
