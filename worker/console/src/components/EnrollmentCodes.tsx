import { useState } from "preact/hooks";
import { api, type CodePurpose, type Employee, type IssuedCode } from "../api";
import { useAction } from "../hooks/use-action";
import { useI18n } from "../state";
import { CopyButton } from "./CopyButton";
import { ErrorMessage } from "./ErrorMessage";
import { When } from "./When";

/**
 * One-time codes for the extension (and, from admins, for the console). A code is shown once,
 * here, until the page is left: the server keeps only its hash.
 */
export function EnrollmentCodes({ employee, console: allowConsole }: { employee: Employee; console: boolean }) {
  const { t } = useI18n();
  const issue = useAction();
  const [code, setCode] = useState<IssuedCode | null>(null);
  const issueCode = (purpose: CodePurpose) => issue.run(async () => setCode(await api.issueEnrollmentCode(employee.id, purpose)));

  return (
    <div class="codes">
      <p class="muted">{t("codesIntro")}</p>
      <div class="button-row">
        <button type="button" disabled={issue.busy} onClick={() => void issueCode("extension")}>
          {t("issueCode")}
        </button>
        {allowConsole && (
          <button type="button" disabled={issue.busy} onClick={() => void issueCode("console")}>
            {t("issueConsoleCode")}
          </button>
        )}
      </div>
      <ErrorMessage message={issue.error} />
      {code && (
        <div class="issued-code" role="status">
          <span>{t(code.purpose === "console" ? "consoleCodeIssued" : "codeIssued", { name: employee.name })}</span>
          <code data-testid="issued-code">{code.code}</code>
          <CopyButton text={code.code} label={t("copyCode")} />
          <span class="muted">
            {t("codeValidUntil")} <When ms={code.expiresAt} />
          </span>
        </div>
      )}
    </div>
  );
}
