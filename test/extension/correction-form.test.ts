import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Correction } from "../../shared/api";
import { DEFAULT_SETTINGS } from "../../shared/settings";
import { checkCorrection } from "../../extension/utils/correction-form";
import { addEvidence, EVIDENCE_POLICY } from "../../extension/utils/evidence";
import type { CorrectionDraft, OutboxItem } from "../../extension/utils/storage";
import {
  cancelRefusalText,
  decisionNotice,
  evidenceProblemText,
  refusalText,
  requestRows,
  STATUS_LABELS,
  type CancelRefusal,
  type FilingRefusal,
} from "../../extension/components/correction-text";
import { missingKind } from "../../extension/components/History";
import { FILE_HEADS, T0, pickedFile } from "./fakes";

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** The words a user of that locale reads, straight from the generated _locales file. */
function translator(locale: "en" | "zh_CN") {
  const messages = JSON.parse(readFileSync(new URL(`../../extension/public/_locales/${locale}/messages.json`, import.meta.url), "utf8")) as Messages;
  return (key: string, ...subs: (string | number)[]) => {
    const entry = messages[key];
    if (!entry) throw new Error(`no message ${key} in ${locale}`);
    return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name: string) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content ?? "";
      return String(subs[Number(content.slice(1)) - 1] ?? "");
    });
  };
}
const en = translator("en");
const zh = translator("zh_CN");

describe("evidence files, judged by their first bytes as the server judges them", () => {
  it.each([
    ["photo.png", "image/png", FILE_HEADS.png],
    ["photo.jpg", "image/jpeg", FILE_HEADS.jpeg],
    ["photo.webp", "image/webp", FILE_HEADS.webp],
    ["note.pdf", "application/pdf", FILE_HEADS.pdf],
    // The name says nothing: a PNG called .txt is a PNG.
    ["screenshot.txt", "image/png", FILE_HEADS.png],
  ])("%s is attached as %s", async (name, type, head) => {
    const { files, problems } = await addEvidence([], [pickedFile(name, head)]);
    expect(problems).toEqual([]);
    expect(files).toMatchObject([{ name, type, size: 64 }]);
    expect(files[0]!.bytes[0]).toBe(head[0]);
  });

  it.each([
    ["a GIF named .png", "cat.png", FILE_HEADS.gif],
    ["a text file", "notes.pdf", [0x68, 0x65, 0x6c, 0x6c, 0x6f]],
    ["an empty file", "empty.png", []],
  ])("%s is refused by name, and the others are kept", async (_what, name, head) => {
    const good = pickedFile("ok.png", FILE_HEADS.png);
    const { files, problems } = await addEvidence([], [pickedFile(name, head, head.length || 0), good]);
    expect(problems).toEqual([{ problem: "type", name }]);
    expect(files.map((f) => f.name)).toEqual(["ok.png"]);
  });

  it("a file over the size limit is refused without being read", async () => {
    const huge = pickedFile("scan.png", FILE_HEADS.png, EVIDENCE_POLICY.maxFileBytes + 1);
    const fits = pickedFile("fits.png", FILE_HEADS.png, EVIDENCE_POLICY.maxFileBytes);
    const { files, problems } = await addEvidence([], [huge, fits]);
    expect(problems).toEqual([{ problem: "size", name: "scan.png", limit: 5 * 1024 * 1024 }]);
    expect(huge.wholeReads).toBe(0);
    expect(files.map((f) => f.name)).toEqual(["fits.png"]);
  });

  it("no more files than the server takes, counting those already attached", async () => {
    const first = await addEvidence([], [pickedFile("1.png", FILE_HEADS.png), pickedFile("2.png", FILE_HEADS.png)]);
    const second = await addEvidence(first.files, [pickedFile("3.png", FILE_HEADS.png), pickedFile("4.png", FILE_HEADS.png), pickedFile("5.png", FILE_HEADS.png)]);
    expect(second.files.map((f) => f.name)).toEqual(["1.png", "2.png", "3.png"]);
    expect(second.problems).toEqual([{ problem: "count", limit: 3 }]);
  });

  it("follows the server's defaults", () => {
    expect(EVIDENCE_POLICY).toMatchObject({ maxFiles: DEFAULT_SETTINGS.corrections.maxFiles, maxFileBytes: DEFAULT_SETTINGS.corrections.maxFileBytes });
  });

  it.each([
    [{ problem: "type", name: "cat.gif" }, "“cat.gif” is not a PNG, JPEG, WebP or PDF file, so it cannot be attached.", "“cat.gif”不是 PNG、JPEG、WebP 或 PDF 文件，无法附加。"],
    [{ problem: "size", name: "scan.png", limit: 5 * 1024 * 1024 }, "“scan.png” is larger than 5 MB, so it cannot be attached.", "“scan.png”超过 5 MB，无法附加。"],
    [{ problem: "count", limit: 3 }, "At most 3 files can be attached.", "最多只能附加 3 个文件。"],
  ] as const)("says why a file was not attached: %o", (problem, english, chinese) => {
    expect(evidenceProblemText(problem, en)).toBe(english);
    expect(evidenceProblemText(problem, zh)).toBe(chinese);
  });
});

describe("the form's fields", () => {
  const NOW = Date.UTC(2025, 2, 10, 14, 0); // Monday 22:00 in Shanghai
  const draft = (over: Partial<CorrectionDraft> = {}): CorrectionDraft => ({ date: "2025-03-10", kind: "in", time: "09:00", nextDay: false, reason: "Forgot", ...over });

  it("reads the time in the employee's zone, not the browser's", () => {
    expect(checkCorrection(draft(), { now: NOW, zone: "Asia/Shanghai" })).toEqual({
      ok: true,
      fields: { date: "2025-03-10", kind: "in", time: Date.UTC(2025, 2, 10, 1, 0), reason: "Forgot" },
    });
  });

  it("after midnight of a night shift: the time is on the next day, the date stays the shift's", () => {
    const check = checkCorrection(draft({ date: "2025-03-09", kind: "out", time: "02:00", nextDay: true }), { now: NOW, zone: "Asia/Shanghai" });
    expect(check).toMatchObject({ ok: true, fields: { date: "2025-03-09", time: Date.UTC(2025, 2, 9, 18, 0) } });
  });

  it("trims the reason", () => {
    expect(checkCorrection(draft({ reason: "  Laptop broke \n" }), { now: NOW, zone: "UTC" })).toMatchObject({ fields: { reason: "Laptop broke" } });
  });

  it.each([
    ["nothing filled in", { date: "", time: "", reason: "  " }, { date: "errDateMissing", time: "errTimeMissing", reason: "errReasonMissing" }],
    ["a date to come", { date: "2025-03-11" }, { date: "errDateFuture" }],
    ["a time to come", { time: "23:30" }, { time: "errTimeFuture" }],
  ])("refuses %s", (_name, over, errors) => {
    expect(checkCorrection(draft(over), { now: NOW, zone: "Asia/Shanghai" })).toEqual({ ok: false, errors });
  });

  it.each([
    [[], "in"],
    [[{ kind: "in", time: 1 }], "out"],
    [[{ kind: "in", time: 1 }, { kind: "out", time: 2 }], "in"],
    [[{ kind: "out", time: 2 }], "in"],
  ] as const)("a day with %o most likely misses its %s", (punches, kind) => {
    expect(missingKind(punches)).toBe(kind);
  });
});

describe("the server's refusals in words", () => {
  const fields = { date: "2025-03-10" };
  const cases: [FilingRefusal | "time", { code: string; message: string; details?: unknown }, string, string][] = [
    ["time", { code: "VALIDATION_FAILED", message: "bad", details: { issues: [{ path: "time", message: "x" }] } }, "The time is not on Monday, March 10 in your work time zone (Asia/Shanghai). For a night shift, tick “After midnight”.", "Asia/Shanghai"],
    ["VALIDATION_FAILED", { code: "VALIDATION_FAILED", message: "Invalid request body at reason: say why" }, "The server could not accept a field: Invalid request body at reason: say why", "服务器无法接受某个字段"],
    ["CORRECTION_DUPLICATE", { code: "CORRECTION_DUPLICATE", message: "dup" }, "You already have a pending request", "待审批申请"],
    ["PAYLOAD_TOO_LARGE", { code: "PAYLOAD_TOO_LARGE", message: "big" }, "larger than your company allows", "文件超出公司允许的大小"],
    ["EVIDENCE_TYPE_NOT_ALLOWED", { code: "EVIDENCE_TYPE_NOT_ALLOWED", message: "type" }, "only PNG, JPEG, WebP or PDF", "只接受 PNG、JPEG、WebP 或 PDF"],
    ["CORRECTION_OUT_OF_WINDOW", { code: "CORRECTION_OUT_OF_WINDOW", message: "old", details: { windowDays: 14 } }, "the past 14 days only", "过去 14 天内"],
    ["CORRECTION_LIMIT_REACHED", { code: "CORRECTION_LIMIT_REACHED", message: "limit", details: { monthlyLimit: 2 } }, "all 2 correction requests for March 2025", "2 次补记申请已用完"],
    ["RATE_LIMITED", { code: "RATE_LIMITED", message: "slow down" }, "Too many requests", "申请次数过多"],
    ["UNSUPPORTED_MEDIA_TYPE", { code: "UNSUPPORTED_MEDIA_TYPE", message: "media" }, "could not read the request", "无法读取此申请"],
    ["ENROLMENT_CHANGED", { code: "ENROLMENT_CHANGED", message: "x" }, "enrolled again", "重新注册之前"],
  ];

  it.each(cases)("%s", (_name, refusal, english, chinese) => {
    expect(refusalText(refusal, fields, "Asia/Shanghai", en)).toContain(english);
    expect(refusalText(refusal, fields, "Asia/Shanghai", zh)).toContain(chinese);
  });

  it("every refusal has words of its own in both languages", () => {
    for (const text of [en, zh]) {
      const said = cases.map(([, refusal]) => refusalText(refusal, fields, "UTC", text));
      expect(new Set(said).size).toBe(said.length);
    }
  });

  it("a code this version does not know still shows the server's message", () => {
    expect(refusalText({ code: "SOMETHING_NEW", message: "Try later." }, fields, "UTC", en)).toBe("The server refused the request: Try later.");
  });

  it.each<[CancelRefusal, string]>([
    ["CORRECTION_ALREADY_DECIDED", "already been decided"],
    ["NOT_FOUND", "no longer exists"],
    ["UNAUTHENTICATED", "sign-in has expired"],
    ["NETWORK", "could not be reached"],
  ])("cancel refused with %s", (code, english) => {
    expect(cancelRefusalText({ code, message: "x" }, en)).toContain(english);
    expect(cancelRefusalText({ code, message: "x" }, zh)).not.toMatch(/^cancelRefused/);
  });
});

const correction = (id: string, status: Correction["status"], extra: Partial<Correction> = {}): Correction => ({
  id,
  employeeId: "emp_1",
  date: "2025-03-10",
  kind: "in",
  time: Date.UTC(2025, 2, 10, 1, 0),
  reason: "Forgot",
  status,
  evidence: [],
  createdAt: T0,
  ...extra,
});

describe("status display", () => {
  it("every status has a label in both languages", () => {
    for (const key of Object.values(STATUS_LABELS)) {
      expect(en(key)).not.toBe("");
      expect(zh(key)).not.toBe("");
    }
    expect(en(STATUS_LABELS.approved)).toBe("Approved");
    expect(zh(STATUS_LABELS.approved)).toBe("已批准");
  });

  it("lists what waits on this device first, then the server's requests with their comments, files and who can cancel", () => {
    const waiting: OutboxItem = {
      key: "k1",
      employeeId: "emp_1",
      fields: { date: "2025-03-11", kind: "out", time: T0 + 86_400_000, reason: "Network down" },
      files: [{ name: "router.jpg", type: "image/jpeg", size: 10 }],
      queuedAt: T0,
      attempts: 1,
      lastError: "NETWORK",
      sentAt: T0,
      refused: null,
    };
    const someoneElses: OutboxItem = { ...waiting, key: "k2", employeeId: "emp_2" };
    const rows = requestRows(
      [waiting, someoneElses],
      [
        correction("c2", "pending", { evidence: [{ id: "e", name: "photo.png", type: "image/png", size: 5 }] }),
        correction("c1", "rejected", { comment: "No such shift", decidedAt: T0 + 1 }),
      ],
      "emp_1",
    );
    expect(rows.map((r) => [r.id, r.status, r.cancellable])).toEqual([
      ["k1", "waiting", false],
      ["c2", "pending", true],
      ["c1", "rejected", false],
    ]);
    expect(rows[0]!.evidence).toEqual(["router.jpg"]);
    expect(rows[1]!.evidence).toEqual(["photo.png"]);
    expect(rows[2]).toMatchObject({ comment: "No such shift", decidedAt: T0 + 1 });
  });

  it.each([
    ["approved", "", "success", "Approved: Clock-in on Monday, March 10 at 9:00 AM. It now counts as a punch."],
    ["rejected", "Not a workday", "error", "Rejected: Clock-in on Monday, March 10 at 9:00 AM. Comment: Not a workday"],
  ] as const)("a decision since the popup last opened: %s", (status, comment, tone, english) => {
    const notice = decisionNotice(correction("c", status, comment ? { comment } : {}), "Asia/Shanghai", en);
    expect(notice).toEqual({ tone, text: english });
    expect(decisionNotice(correction("c", status, comment ? { comment } : {}), "Asia/Shanghai", zh).text).toMatch(status === "approved" ? /^已批准/ : /^已拒绝/);
  });
});
