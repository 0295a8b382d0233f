import { data, type ActionFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { PlanRecord } from "~/services/plan-record.server";
import { recordNodeText } from "~/utils/record-text";
import { checkExport, checkVersion, getVersionByCode } from "~/services/plan-signing.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.verify" };

const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

interface VerifyResult {
  ok: true;
  source: "code" | "file";
  valid: boolean;
  hashValid: boolean;
  complete: boolean;
  knownHere: boolean;
  contentHash: string | null;
  summary: { pupil: string; school: string; term: PlanRecord["term"]; version: number; lockedAt: string } | null;
  signatures: Array<{ name: string; role: string; signedAt: string; sealValid: boolean }>;
  missing: Array<{ name: string; role: string }>;
  /** The signed content, only when the person brought it (the exported file). */
  record: PlanRecord | null;
}

/**
 * Anyone may check a plan here, signed in or not: by the verification code printed on the PDF
 * (POSTed, so the code never lands in a URL or a log), or by uploading the exported JSON, which is
 * checked against our published key alone.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readFormData(request);
  const intent = form.get("intent");
  if (intent === "code") {
    const code = String(form.get("code") ?? "");
    const version = getVersionByCode(context.db, code);
    if (!version) return data({ ok: false as const, error: "verify.errors.unknownCode" }, { status: 404 });
    const check = checkVersion(context.db, version);
    const record = JSON.parse(version.record) as PlanRecord;
    const result: VerifyResult = {
      ok: true,
      source: "code",
      valid: check.valid && version.status !== "voided",
      hashValid: check.hashValid,
      complete: check.complete,
      knownHere: true,
      contentHash: version.contentHash,
      summary: { pupil: record.pupil.name, school: record.school, term: record.term, version: version.version, lockedAt: record.locked.at },
      signatures: check.signatures.map((s) => ({ name: s.name, role: s.role, signedAt: s.signedAt, sealValid: s.sealValid })),
      missing: check.missing.map((m) => ({ name: m.name, role: m.role })),
      record: null,
    };
    return { ...result, voided: version.status === "voided" };
  }
  if (intent === "file") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return data({ ok: false as const, error: "verify.errors.noFile" }, { status: 400 });
    if (file.size > MAX_UPLOAD_BYTES) return data({ ok: false as const, error: "verify.errors.tooLarge" }, { status: 400 });
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      return data({ ok: false as const, error: "verify.errors.notJson" }, { status: 400 });
    }
    const check = checkExport(context.db, parsed);
    const record = check.record;
    const result: VerifyResult = {
      ok: true,
      source: "file",
      valid: check.valid,
      hashValid: check.hashValid,
      complete: true,
      knownHere: check.knownHere,
      contentHash: typeof (parsed as { contentHash?: unknown })?.contentHash === "string" ? (parsed as { contentHash: string }).contentHash : null,
      summary: record ? { pupil: record.pupil.name, school: record.school, term: record.term, version: record.plan.version, lockedAt: record.locked.at } : null,
      signatures: check.signatures,
      missing: [],
      record,
    };
    return { ...result, voided: false };
  }
  return data({ ok: false as const, error: "verify.errors.invalid" }, { status: 400 });
}

export default function VerifyPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const at = (iso: string) => formatDateTime(new Date(iso), locale);

  return (
    <div className="page">
      <h1>{t("verify.heading")}</h1>
      <p>{t("verify.intro")}</p>
      <div className="grid-2">
        <Form method="post" className="card" aria-labelledby="verify-code-heading">
          <h2 id="verify-code-heading">{t("verify.byCode")}</h2>
          <input type="hidden" name="intent" value="code" />
          <label htmlFor="verify-code">{t("verify.code")}</label>
          <input id="verify-code" name="code" type="text" autoComplete="off" required placeholder="XXXXX-XXXXX" />
          <button type="submit" className="button-primary" disabled={busy}>
            {t("verify.check")}
          </button>
        </Form>
        <Form method="post" encType="multipart/form-data" className="card" aria-labelledby="verify-file-heading">
          <h2 id="verify-file-heading">{t("verify.byFile")}</h2>
          <input type="hidden" name="intent" value="file" />
          <label htmlFor="verify-file">{t("verify.file")}</label>
          <input id="verify-file" name="file" type="file" accept="application/json,.json" required />
          <button type="submit" className="button-primary" disabled={busy}>
            {t("verify.check")}
          </button>
        </Form>
      </div>

      {result && !result.ok ? (
        <p className="alert alert-error" role="alert">
          {t(result.error as "verify.errors.invalid")}
        </p>
      ) : null}
      {result?.ok ? (
        <section className="card" aria-labelledby="verify-result" role="status">
          <h2 id="verify-result" className={result.valid ? "verify-valid" : "verify-invalid"}>
            {result.valid ? t("verify.valid") : t("verify.invalid")}
          </h2>
          <ul className="plain-list">
            <li>{result.hashValid ? t("verify.hashOk") : t("verify.hashBad")}</li>
            {result.voided ? <li>{t("verify.voided")}</li> : null}
            {result.source === "code" ? <li>{result.complete ? t("verify.complete") : t("verify.incomplete")}</li> : null}
            {result.source === "file" ? <li>{result.knownHere ? t("verify.knownHere") : t("verify.unknownHere")}</li> : null}
          </ul>
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
          <h3>{t("verify.signatures")}</h3>
          <ul className="plain-list">
            {result.signatures.map((s, index) => (
              <li key={index}>
                {s.sealValid ? "✓" : "✗"} {s.name} ({t(`roles.${s.role as "pupil"}`)}) – {s.signedAt ? at(s.signedAt) : "?"}{" "}
                {s.sealValid ? null : <strong>{t("verify.sealBad")}</strong>}
              </li>
            ))}
            {result.missing.map((m, index) => (
              <li key={`missing-${index}`} className="muted">
                {m.name} ({t(`roles.${m.role as "pupil"}`)}) – {t("verify.notSigned")}
              </li>
            ))}
          </ul>
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
