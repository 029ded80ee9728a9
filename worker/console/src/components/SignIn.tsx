import { browserSupportsWebAuthn } from "@simplewebauthn/browser";
import { useEffect, useState } from "preact/hooks";
import { api, type Employee } from "../api";
import { describeError } from "../format";
import { enrollConsolePasskey, signInWithPasskey } from "../passkeys";
import { useAction } from "../hooks/use-action";
import { useAppState, useI18n } from "../state";
import { ErrorMessage } from "./ErrorMessage";
import { LanguageSelect } from "./LanguageSelect";
import { RichText } from "./RichText";

type Tab = "signin" | "setup" | "code";

export function SignIn({ onSignedIn }: { onSignedIn: (employee: Employee) => void }) {
  const { session } = useAppState();
  const { t } = useI18n();
  useEffect(() => {
    document.title = t("appTitle");
  }, [t]);
  const [tab, setTab] = useState<Tab>("signin");
  const [pending, setPending] = useState<{ code: string; reason: string } | null>(null);
  const notice = session.value.status === "signed-out" ? session.value.notice : undefined;
  const tabs: [Tab, string][] = [
    ["signin", t("tabSignIn")],
    ["setup", t("tabSetup")],
    ["code", t("tabCode")],
  ];

  return (
    <main class="card sign-in">
      <div class="sign-in-head">
        <h1>{t("appTitle")}</h1>
        <LanguageSelect />
      </div>
      {notice && (
        <p class="message info" role="status">
          {notice}
        </p>
      )}
      {!browserSupportsWebAuthn() && <ErrorMessage message={t("noWebAuthn")} />}
      <div class="tabs" role="tablist" aria-label={t("tabsLabel")}>
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            class={tab === id ? "tab selected" : "tab"}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "signin" && <PasskeySignIn onSignedIn={onSignedIn} />}
        {tab === "setup" && (
          <SetupForm
            onSignedIn={onSignedIn}
            onCodeWithoutPasskey={(code, reason) => {
              setPending({ code, reason });
              setTab("code");
            }}
          />
        )}
        {tab === "code" && <CodeForm onSignedIn={onSignedIn} pending={pending} />}
      </section>
    </main>
  );
}

function PasskeySignIn({ onSignedIn }: { onSignedIn: (employee: Employee) => void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  return (
    <div class="panel">
      <p>{t("signInIntro")}</p>
      <button type="button" class="primary" disabled={busy} onClick={() => run(async () => onSignedIn(await signInWithPasskey()))}>
        {busy ? t("working") : t("signInButton")}
      </button>
      <ErrorMessage message={error} />
    </div>
  );
}

function SetupForm(props: { onSignedIn: (employee: Employee) => void; onCodeWithoutPasskey: (code: string, reason: string) => void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [token, setToken] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");

  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const { consoleEnrollmentCode } = await api.setup({ token: token.trim(), name, email });
      try {
        props.onSignedIn(await enrollConsolePasskey(consoleEnrollmentCode));
      } catch (err) {
        // The admin exists now and the code stays valid: offer to register the passkey again.
        props.onCodeWithoutPasskey(consoleEnrollmentCode, describeError(t, err));
      }
    });
  };

  return (
    <form class="panel" onSubmit={submit}>
      <p>
        <RichText text={t("setupIntro")} />
      </p>
      <label>
        {t("setupToken")}
        <input name="token" required autoComplete="off" spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
      </label>
      <label>
        {t("name")}
        <input name="name" required autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t("email")}
        <input name="email" type="email" required autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t("working") : t("setupButton")}
      </button>
      <ErrorMessage message={error} />
    </form>
  );
}

function CodeForm(props: { onSignedIn: (employee: Employee) => void; pending: { code: string; reason: string } | null }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [code, setCode] = useState(props.pending?.code ?? "");
  const firstError = props.pending?.reason ?? null;
  const [tried, setTried] = useState(false);

  const submit = (event: Event) => {
    event.preventDefault();
    setTried(true);
    void run(async () => props.onSignedIn(await enrollConsolePasskey(code.trim())));
  };

  return (
    <form class="panel" onSubmit={submit}>
      {props.pending ? <p class="message info">{t("setupDoneNeedPasskey", { code: props.pending.code })}</p> : <p>{t("codeIntro")}</p>}
      <label>
        {t("consoleCode")}
        <input
          name="code"
          required
          autoComplete="one-time-code"
          spellcheck={false}
          class="code-input"
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t("working") : t("codeButton")}
      </button>
      <ErrorMessage message={tried ? error : firstError} />
    </form>
  );
}
