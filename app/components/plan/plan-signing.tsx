import { Link, useFetcher, useLocation, useRevalidator } from "@remix-run/react";
import { useProviderName } from "~/components/sign-in-problem";
import { usePlanAction } from "./plan-action";
import { useEffect, useId, useRef, useState, type PointerEvent } from "react";
import { useTranslation } from "react-i18next";
import type { PlanPageData } from "~/services/plan-page.server";
import { translateError } from "~/utils/errors";
import { formatDateTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import { cancelFocusRequest, focusWithin, requestFocusAfterReload, useFocusOnAnswer, useTakeRequestedFocus } from "~/utils/focus";

type ActionResult = { ok: true; intent: string } | { ok: false; error: string; message: string; intent?: string; currentVersion?: number };

/** What a signature covers: the version and hash this page shows. Sent with the form; the server refuses any other. */
interface ShownVersion {
  number: number;
  contentHash: string;
  lockedAt: string;
}

/**
 * Locking and signing at the end of the talk: the mentor locks, each required signer signs on
 * their own device or here with their own password, and anyone in the plan can download the
 * signed record. The server decides everything; this only offers what it allows.
 */
/** What signing on this device asks first (see services/signing-proof.server.ts). */
type SigningProof = { kind: "none" } | { kind: "password" } | { kind: "provider"; provider: { id: "staff" | "guardian"; name?: string } };

export function PlanSigning({ page, proof }: { page: PlanPageData; proof: SigningProof }) {
  const { t } = useTranslation();
  const { signing } = page;

  if (!signing.version) {
    if (!signing.canLock) return signing.voided.length > 0 ? <VoidedVersions page={page} /> : null;
    return (
      <section className="card signing" aria-labelledby="signing-heading" id="lock">
        <h2 id="signing-heading">{t("signing.heading")}</h2>
        <p>{t("signing.lockText")}</p>
        <LockForm page={page} />
        <VoidedVersions page={page} />
      </section>
    );
  }

  return <LockedSigning page={page} proof={proof} />;
}

/** The locked version: who has signed, the viewer's own signing form, the exports. */
function LockedSigning({ page, proof }: { page: PlanPageData; proof: SigningProof }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { signing } = page;
  const at = (iso: string) => formatDateTime(new Date(iso), locale);
  const roleName = (role: string) => t(`roles.${role as "pupil"}`);
  const heading = useRef<HTMLHeadingElement>(null);
  // The mentor who just locked continues here: the signing step is their next one too.
  useTakeRequestedFocus(SIGNING_FOCUS, heading);
  const version = signing.version!;
  const viewerMustSign = signing.missing.some((m) => m.personId === page.viewerId);
  const othersMissing = signing.missing.filter((m) => m.personId !== page.viewerId);
  // Once the viewer's signature is in, their form goes: focus moves to the signing's state.
  const status = useRef<HTMLParagraphElement>(null);
  const mustSignBefore = useRef(viewerMustSign);
  useEffect(() => {
    // Only when focus was in the signing step (or went with the form): never taken from elsewhere.
    const active = document.activeElement;
    const inSigning = !active || active === document.body || status.current?.closest("section")?.contains(active);
    if (mustSignBefore.current && !viewerMustSign && inSigning) status.current?.focus({ preventScroll: true });
    mustSignBefore.current = viewerMustSign;
  }, [viewerMustSign]);
  return (
    <section className="card signing" aria-labelledby="signing-heading" id="signing">
      <h2 id="signing-heading" ref={heading} tabIndex={-1}>
        {t("signing.lockedHeading")}
      </h2>
      <p role="status" ref={status} tabIndex={-1} className={version.status === "signed" ? "signing-done" : undefined}>
        {version.status === "signed" ? t("signing.statusSigned") : t("signing.statusLocked")}
      </p>
      <ul className="signer-list">
        {signing.signed.map((s) => (
          <li key={s.personId} className="signer signer-signed">
            <span aria-hidden="true">✓</span> {s.name} ({roleName(s.role)}) – {t("signing.signedAt", { time: at(s.signedAt) })}
          </li>
        ))}
        {signing.missing.map((m) => (
          <li key={m.personId} className="signer signer-missing">
            <span aria-hidden="true">○</span> {m.name} ({roleName(m.role)}) – {t("signing.notSigned")}
          </li>
        ))}
      </ul>
      <p className="small">
        {t("signing.code")}: <strong>{version.verificationCode}</strong>
        <br />
        {t("signing.hash")}: <code className="hash">{version.contentHash}</code>
      </p>
      {viewerMustSign ? (
        <SignForm
          signerId={page.viewerId}
          shown={version}
          proof={proof}
          label={t("signing.signAs", { name: fullName(page.viewer), role: roleName(signing.missing.find((m) => m.personId === page.viewerId)!.role) })}
        />
      ) : null}
      {othersMissing.length > 0 && page.viewerIsInTalk ? (
        <details className="shared-signing">
          <summary>{t("signing.sharedHeading")}</summary>
          <p className="small">{t("signing.sharedText")}</p>
          <SharedSignForm shown={version} signers={othersMissing.map((m) => ({ personId: m.personId, label: `${m.name} (${roleName(m.role)})` }))} />
        </details>
      ) : null}
      <div className="actions">
        <a className="button-secondary" href={`/plans/${page.plan.id}/record.pdf`} download>
          {t("signing.pdf")}
        </a>
        <a className="button-secondary" href={`/plans/${page.plan.id}/record.json`} download>
          {t("signing.json")}
        </a>
        <Link to={`/plans/${page.plan.id}/log`}>{t("signing.log")}</Link>
      </div>
      {signing.canUnlock ? <UnlockForm /> : null}
      <VoidedVersions page={page} />
    </section>
  );
}

const SIGNING_FOCUS = "signing";

/** Where "Till signeringen" takes a signer: their own signing form, else the signing step. */
const signingTarget = { id: "signing", focus: [".sign-form", "#signing-heading"] } as const;

/**
 * At the top of a signer's view once the plan is locked: their signature is needed, and one
 * button takes them to the signing form (wherever the page put it).
 */
export function SigningCallout({ page }: { page: Pick<PlanPageData, "signing" | "viewerId"> }) {
  const { t } = useTranslation();
  const version = page.signing.version;
  if (!version || version.status !== "locked" || !page.signing.missing.some((m) => m.personId === page.viewerId)) return null;
  return (
    <section className="signing-callout" aria-labelledby="signing-callout-heading">
      <div>
        <h2 id="signing-callout-heading">{t("signing.callout.heading")}</h2>
        <p>{t("signing.callout.text")}</p>
      </div>
      <a
        className="button-primary"
        href={`#${signingTarget.id}`}
        onClick={(event) => {
          if (focusWithin(document.getElementById(signingTarget.id), signingTarget.focus)) event.preventDefault();
        }}
      >
        {t("signing.callout.button")}
      </a>
    </section>
  );
}

function LockForm({ page }: { page: PlanPageData }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const fetcher = useFetcher<ActionResult>();
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  const errorRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (!error) return;
    cancelFocusRequest(SIGNING_FOCUS);
    errorRef.current?.focus();
  }, [error, fetcher.data]);
  return (
    <fetcher.Form method="post" action={planAction} onSubmit={() => requestFocusAfterReload(SIGNING_FOCUS)}>
      <input type="hidden" name="intent" value="lock" />
      {page.signing.guardians.length > 0 ? (
        <fieldset className="plain-fieldset">
          <legend>{t("signing.guardiansTakingPart")}</legend>
          {page.signing.guardians.map((g) => (
            <label key={g.id} className="checkbox">
              <input type="checkbox" name="guardian" value={g.id} defaultChecked />
              {fullName(g)}
            </label>
          ))}
        </fieldset>
      ) : null}
      {error ? (
        <p className="alert alert-error" role="alert" ref={errorRef} tabIndex={-1}>
          {translateError(t, error)}
        </p>
      ) : null}
      <button type="submit" className="button-primary" disabled={fetcher.state !== "idle"}>
        {t("signing.lock")}
      </button>
    </fetcher.Form>
  );
}

/** The version and hash the form stands for, sent with it and shown to the signer. */
function ShownVersionFields({ shown }: { shown: ShownVersion }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      <input type="hidden" name="version" value={shown.number} />
      <input type="hidden" name="contentHash" value={shown.contentHash} />
      <p className="small signing-version">{t("signing.signingVersion", { number: shown.number, time: formatDateTime(new Date(shown.lockedAt), locale) })}</p>
    </>
  );
}

/**
 * The answer to a signing form, as words. A stale form (the plan was unlocked and locked again
 * meanwhile) reloads the page, which then shows the version the person is now asked to sign.
 */
function useSigningAnswer(fetcher: ReturnType<typeof useFetcher<ActionResult>>): string | null {
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  const answer = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const stale = answer?.error === "staleVersion" ? answer : null;
  // The page is out of date (a refused answer does not reload it by itself): show what is in force now.
  const outdated = answer !== null && ["staleVersion", "notLocked"].includes(answer.error) ? answer : null;
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    if (outdated) revalidate.current();
  }, [outdated]);
  if (!fetcher.data || fetcher.data.ok) return null;
  if (stale) return t("signing.errors.staleVersion", { version: stale.currentVersion ?? "?" });
  return translateError(t, fetcher.data.message);
}

function SignForm({ signerId, label, shown, proof }: { signerId: string; label: string; shown: ShownVersion; proof: SigningProof }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const fetcher = useFetcher<ActionResult>();
  const [drawing, setDrawing] = useState("");
  const passwordId = useId();
  const helpId = useId();
  const errorId = useId();
  const error = useSigningAnswer(fetcher);
  const askPassword =
    proof.kind === "password" || (fetcher.data && !fetcher.data.ok && ["reauthenticate", "wrongPassword"].includes(fetcher.data.error));
  // A refusal: focus goes to the password when that is what to fix, else to the message.
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const refusal = fetcher.state === "idle" && error ? fetcher.data : null;
  useFocusOnAnswer(askPassword ? passwordRef : errorRef, refusal);
  // People who sign in only through their identity provider prove it there again, then come back here.
  if (proof.kind === "provider") return <ProviderReauthentication label={label} provider={proof.provider} />;
  return (
    <fetcher.Form method="post" action={planAction} className="sign-form">
      <input type="hidden" name="intent" value="sign" />
      <input type="hidden" name="signerId" value={signerId} />
      <input type="hidden" name="drawing" value={drawing} />
      <p>{label}</p>
      <ShownVersionFields shown={shown} />
      <DrawingPad value={drawing} onChange={setDrawing} />
      {askPassword ? (
        <div className="field">
          <label htmlFor={passwordId}>{t("signing.passwordAgain")}</label>
          <p className="small" id={helpId}>
            {t("signing.passwordAgainHelp")}
          </p>
          <input
            ref={passwordRef}
            id={passwordId}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-describedby={error ? `${helpId} ${errorId}` : helpId}
            aria-invalid={error ? true : undefined}
          />
        </div>
      ) : null}
      {error ? (
        <p className="alert alert-error" role="alert" id={errorId} ref={errorRef} tabIndex={-1}>
          {error}
        </p>
      ) : null}
      <button type="submit" className="button-primary" disabled={fetcher.state !== "idle"}>
        {t("signing.sign")}
      </button>
    </fetcher.Form>
  );
}

function ProviderReauthentication({ label, provider }: { label: string; provider: { id: "staff" | "guardian"; name?: string } }) {
  const { t } = useTranslation();
  const location = useLocation();
  const name = useProviderName(provider);
  return (
    <form method="post" action="/auth/reauthenticate" className="sign-form">
      <input type="hidden" name="returnTo" value={`${location.pathname}${location.search}`} />
      <p>{label}</p>
      <p className="small">{t("signing.providerAgainHelp", { provider: name })}</p>
      <button type="submit" className="button-primary">
        {t("signing.providerAgain", { provider: name })}
      </button>
    </form>
  );
}

function SharedSignForm({ signers, shown }: { signers: Array<{ personId: string; label: string }>; shown: ShownVersion }) {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const fetcher = useFetcher<ActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const [drawing, setDrawing] = useState("");
  const signerId = useId();
  const passwordId = useId();
  const errorId = useId();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) {
      form.current?.reset();
      setDrawing("");
    }
  }, [fetcher.state, fetcher.data]);
  const error = useSigningAnswer(fetcher);
  const passwordRef = useRef<HTMLInputElement>(null);
  useFocusOnAnswer(passwordRef, fetcher.state === "idle" && error ? fetcher.data : null);
  return (
    <fetcher.Form method="post" action={planAction} ref={form} className="sign-form">
      <input type="hidden" name="intent" value="sign" />
      <input type="hidden" name="drawing" value={drawing} />
      <ShownVersionFields shown={shown} />
      <label htmlFor={signerId}>{t("signing.signer")}</label>
      <select id={signerId} name="signerId" required>
        {signers.map((s) => (
          <option key={s.personId} value={s.personId}>
            {s.label}
          </option>
        ))}
      </select>
      <label htmlFor={passwordId}>{t("signing.password")}</label>
      <input ref={passwordRef} id={passwordId} name="password" type="password" autoComplete="off" required aria-describedby={errorId} aria-invalid={error ? true : undefined} />
      <div id={errorId} className="field-error" aria-live="polite">
        {error ? <p>{error}</p> : null}
      </div>
      <DrawingPad value={drawing} onChange={setDrawing} />
      <button type="submit" className="button-primary" disabled={fetcher.state !== "idle"}>
        {t("signing.sign")}
      </button>
    </fetcher.Form>
  );
}

function UnlockForm() {
  const planAction = usePlanAction();
  const { t } = useTranslation();
  const fetcher = useFetcher<ActionResult>();
  const reasonId = useId();
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  return (
    <details className="unlock">
      <summary>{t("signing.unlockSummary")}</summary>
      <p className="small">{t("signing.unlockText")}</p>
      <fetcher.Form method="post" action={planAction} className="thread-form">
        <input type="hidden" name="intent" value="unlock" />
        <label htmlFor={reasonId}>{t("signing.reason")}</label>
        <textarea id={reasonId} name="reason" rows={2} required minLength={3} maxLength={1000} />
        {error ? <p className="field-error">{translateError(t, error)}</p> : null}
        <button type="submit" className="button-secondary" disabled={fetcher.state !== "idle"}>
          {t("signing.unlock")}
        </button>
      </fetcher.Form>
    </details>
  );
}

function VoidedVersions({ page }: { page: PlanPageData }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (page.signing.voided.length === 0) return null;
  return (
    <ul className="plain-list small muted voided-versions">
      {page.signing.voided.map((v) => {
        const time = v.voidedAt ? formatDateTime(new Date(v.voidedAt), locale) : "";
        return <li key={v.number}>{v.reason ? t("signing.voidedReason", { number: v.number, time, reason: v.reason }) : t("signing.voided", { number: v.number, time })}</li>;
      })}
    </ul>
  );
}

/** An optional drawn signature (touch or mouse) as SVG path data in a 300 × 100 box. */
function DrawingPad({ value, onChange }: { value: string; onChange(path: string): void }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawingNow = useRef(false);
  const helpId = useId();

  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context || !canvas.current) return;
    context.clearRect(0, 0, canvas.current.width, canvas.current.height);
    if (!value) return;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#1b2421";
    context.stroke(new Path2D(value));
  }, [value]);

  const point = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * 300;
    const y = ((event.clientY - box.top) / box.height) * 100;
    return `${x.toFixed(1)} ${y.toFixed(1)}`;
  };

  return (
    <div className="drawing-pad">
      <p className="small" id={helpId}>
        {t("signing.draw")} – {t("signing.drawHelp")}
      </p>
      <canvas
        ref={canvas}
        width={300}
        height={100}
        aria-describedby={helpId}
        role="img"
        aria-label={t("signing.draw")}
        onPointerDown={(event) => {
          drawingNow.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
          onChange(`${value} M ${point(event)}`.trim());
        }}
        onPointerMove={(event) => {
          if (drawingNow.current && value.length < 38_000) onChange(`${value} L ${point(event)}`);
        }}
        onPointerUp={() => (drawingNow.current = false)}
      />
      {value ? (
        <button type="button" className="button-link small" onClick={() => onChange("")}>
          {t("signing.clearDrawing")}
        </button>
      ) : null}
    </div>
  );
}
