import { data, type ActionFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { verifyByCode, verifyExportFile, type Verdict, type VerificationReport } from "~/services/plan-verification.server";
import { recordNodeText } from "~/utils/record-text";
import { getPerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.verify" };

/** An exported plan is far smaller; the limit keeps a hostile upload cheap. */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
/** Room for the rest of the multipart body around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

type VerifyAnswer = ({ ok: true; source: "code" | "file" } & VerificationReport) | { ok: false; error: string };

/**
 * Anyone may check a plan here, signed in or not: by the verification code printed on the PDF
 * (POSTed, so the code never lands in a URL or a log), or by uploading the exported JSON, which is
 * checked against the school's copy and our published keys (see plan-verification.server.ts).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const fail = (error: string, status: number) => data<VerifyAnswer>({ ok: false, error }, { status });
  // Said before the body is read: a file too large gets the page's own message, not an error page.
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES) return fail("verify.errors.tooLarge", 413);
  const form = await readFormData(request, { maxBytes: MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES });
  const viewerId = (await getPerson(request, context))?.id ?? null;
  const intent = form.get("intent");
  if (intent === "code") {
    const report = verifyByCode(context.db, String(form.get("code") ?? "").slice(0, 100), viewerId);
    if (!report) return fail("verify.errors.unknownCode", 404);
    return data<VerifyAnswer>({ ok: true, source: "code", ...report });
  }
  if (intent === "file") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return fail("verify.errors.noFile", 400);
    if (file.size > MAX_UPLOAD_BYTES) return fail("verify.errors.tooLarge", 413);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      return fail("verify.errors.notJson", 400);
    }
    const report = verifyExportFile(context.db, parsed, viewerId);
    if (!report) return fail("verify.errors.notJson", 400);
    return data<VerifyAnswer>({ ok: true, source: "file", ...report });
  }
  return fail("verify.errors.invalid", 400);
}

const verdictClass: Record<Verdict, string> = {
  complete: "verify-valid",
  incomplete: "verify-partial",
  voided: "verify-invalid",
  notGenuine: "verify-invalid",
};

export default function VerifyPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const at = (iso: string) => formatDateTime(new Date(iso), locale);
  const [fileTooLarge, setFileTooLarge] = useState(false);

  // Said at once, before a large file travels anywhere (the server checks again).
  const checkFileSize = (event: FormEvent<HTMLFormElement>) => {
    const file = (event.currentTarget.elements.namedItem("file") as HTMLInputElement | null)?.files?.[0];
    const tooLarge = file !== undefined && file.size > MAX_UPLOAD_BYTES;
    setFileTooLarge(tooLarge);
    if (tooLarge) event.preventDefault();
  };
  const error = fileTooLarge ? "verify.errors.tooLarge" : result && !result.ok ? result.error : null;

  return (
    <div className="page">
      <h1>{t("verify.heading")}</h1>
      <p>{t("verify.intro")}</p>
      <div className="grid-2">
        <Form method="post" className="card" aria-labelledby="verify-code-heading">
          <h2 id="verify-code-heading">{t("verify.byCode")}</h2>
          <input type="hidden" name="intent" value="code" />
          <label htmlFor="verify-code">{t("verify.code")}</label>
          <input id="verify-code" name="code" type="text" autoComplete="off" required placeholder="XXXXX-XXXXX" maxLength={100} />
          <button type="submit" className="button-primary" disabled={busy}>
            {t("verify.check")}
          </button>
        </Form>
        <Form method="post" encType="multipart/form-data" className="card" aria-labelledby="verify-file-heading" onSubmit={checkFileSize}>
          <h2 id="verify-file-heading">{t("verify.byFile")}</h2>
          <input type="hidden" name="intent" value="file" />
          <label htmlFor="verify-file">{t("verify.file")}</label>
          <input id="verify-file" name="file" type="file" accept="application/json,.json" required />
          <button type="submit" className="button-primary" disabled={busy}>
            {t("verify.check")}
          </button>
        </Form>
      </div>

      {error ? (
        <p className="alert alert-error" role="alert">
          {t(error as "verify.errors.invalid")}
        </p>
      ) : null}
      {result?.ok && !fileTooLarge ? (
        <section className="card" aria-labelledby="verify-result" role="status" data-verdict={result.verdict}>
          <h2 id="verify-result" className={verdictClass[result.verdict]}>
            {t(`verify.verdict.${result.verdict}`)}
          </h2>
          <p>{t(`verify.explain.${result.verdict}`)}</p>
          {result.voided ? (
            <>
              {result.voided.at ? <p>{t("verify.voidedAt", { time: at(result.voided.at) })}</p> : null}
              <p>{result.voided.reason ? t("verify.voidReason", { reason: result.voided.reason }) : t("verify.voidReasonHidden")}</p>
            </>
          ) : null}
          {result.problems.length > 0 ? (
            <ul className="verify-problems">
              {result.problems.map((problem) => (
                <li key={problem}>{t(`verify.problems.${problem}`)}</li>
              ))}
            </ul>
          ) : null}
          {result.source === "file" && result.verdict !== "notGenuine" ? <p className="small">{t("verify.knownHere")}</p> : null}
          {result.summary ? (
            <p>
              {t("verify.summary", {
                pupil: result.summary.pupil,
                school: result.summary.school,
                term: t(`terms.${result.summary.term.kind}`, { year: result.summary.term.year }),
                version: result.summary.version,
                lockedAt: at(result.summary.lockedAt),
              })}
            </p>
          ) : null}
          {result.contentHash ? (
            <p className="small">
              {t("verify.hash")}: <code className="hash">{result.contentHash}</code>
            </p>
          ) : null}
          {result.signatures.length > 0 || result.missing.length > 0 ? (
            <>
              <h3>{t("verify.signatures")}</h3>
              <ul className="plain-list">
                {result.signatures.map((s, index) => (
                  <li key={index}>
                    <span aria-hidden="true">{s.sealValid ? "✓ " : "✗ "}</span>
                    {t("verify.signer", {
                      name: s.name,
                      role: t(`roles.${s.role as "pupil"}`, { defaultValue: "?" }),
                      time: s.signedAt && !Number.isNaN(Date.parse(s.signedAt)) ? at(s.signedAt) : "?",
                    })}
                    {s.sealValid ? null : <strong> {t("verify.sealBad")}</strong>}
                  </li>
                ))}
                {result.missing.map((m, index) => (
                  <li key={`missing-${index}`} className="muted">
                    <span aria-hidden="true">○ </span>
                    {t("verify.signerMissing", { name: m.name, role: t(`roles.${m.role}`) })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {result.record ? (
            <>
              <h3>{t("verify.content")}</h3>
              {result.record.sections.map((section, index) => (
                <div key={index} className="verify-section">
                  <h4>{section.title}</h4>
                  {section.assessment ? (
                    <p className="small">
                      {section.assessment.level ?? "–"} {section.assessment.written}
                    </p>
                  ) : null}
                  {recordNodeText(section.text).map((line, lineIndex) => (
                    <p key={lineIndex}>{line}</p>
                  ))}
                </div>
              ))}
            </>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
