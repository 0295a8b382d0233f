import type { AppLoadContext } from "@remix-run/node";
import { getPupilAccess } from "../../db/queries/access";
import { recordAuditEvent } from "../../db/queries/audit";
import { getPlan } from "../../db/queries/plans";
import type { SignedInPerson } from "../../db/queries/roster";
import type { Locale } from "~/i18n";
import { notFound } from "~/utils/auth.server";
import { renderPlanPdf } from "./plan-pdf.server";
import type { PlanRecord } from "./plan-record.server";
import { checkVersion, exportVersion, getCurrentVersion } from "./plan-signing.server";

/** The locked version of a plan for export, after checking access; logs the export. */
function requireExportableVersion(context: AppLoadContext, person: SignedInPerson, planId: string, action: "export-pdf" | "export-json") {
  const plan = getPlan(context.db, planId);
  if (!plan || getPupilAccess(context.db, person.id, plan.pupilId) === "none") throw notFound();
  const version = getCurrentVersion(context.db, plan.id);
  // Only a locked plan is a record; a draft has nothing to export yet.
  if (!version) throw notFound();
  recordAuditEvent(context.db, { planId: plan.id, actorId: person.id, action, version: version.version });
  return version;
}

// No names in file names: downloads end up in shared folders and mail attachments.
const fileName = (version: { version: number; verificationCode: string }, ext: string) => `iup-v${version.version}-${version.verificationCode}.${ext}`;

export async function exportPlanPdf(context: AppLoadContext, person: SignedInPerson, planId: string, origin: string, locale: Locale): Promise<Response> {
  const version = requireExportableVersion(context, person, planId, "export-pdf");
  const pdf = await renderPlanPdf({
    record: JSON.parse(version.record) as PlanRecord,
    contentHash: version.contentHash,
    verificationCode: version.verificationCode,
    status: version.status,
    check: checkVersion(context.db, version),
    verifyUrl: `${origin}/verify`,
    locale,
  });
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${fileName(version, "pdf")}"`,
      "Cache-Control": "no-store",
    },
  });
}

export function exportPlanJson(context: AppLoadContext, person: SignedInPerson, planId: string): Response {
  const version = requireExportableVersion(context, person, planId, "export-json");
  return new Response(JSON.stringify(exportVersion(context.db, version), null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName(version, "json")}"`,
      "Cache-Control": "no-store",
    },
  });
}
