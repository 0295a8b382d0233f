import type { AppLoadContext } from "@remix-run/node";
import { recordAuditEvent } from "../../db/queries/audit";
import type { Locale } from "~/i18n";
import type { PlanGate } from "~/policies/plan.server";
import { canOnSigning } from "~/policies/signing.server";
import { notFound } from "~/utils/auth.server";
import { renderPlanPdf } from "./plan-pdf.server";
import type { PlanRecord } from "./plan-record.server";
import { checkVersion, exportVersion, getCurrentVersion } from "./plan-signing.server";

/** The locked version of a plan for export, when the signing policy allows it; logs the export. */
function requireExportableVersion(context: AppLoadContext, gate: PlanGate, action: "export-pdf" | "export-json") {
  const { plan, relations, person } = gate;
  if (!canOnSigning(relations, plan, "export")) throw notFound();
  const version = getCurrentVersion(context.db, plan.id);
  // Only a locked plan is a record; a draft has nothing to export yet.
  if (!version) throw notFound();
  recordAuditEvent(context.db, { planId: plan.id, actorId: person.id, action, version: version.version });
  return version;
}

// No names in file names: downloads end up in shared folders and mail attachments.
const fileName = (version: { version: number; verificationCode: string }, ext: string) => `iup-v${version.version}-${version.verificationCode}.${ext}`;

/** The locked version as a PDF, its labels in the exporter's language. */
export async function exportPlanPdf(context: AppLoadContext, gate: PlanGate, locale: Locale): Promise<Response> {
  const version = requireExportableVersion(context, gate, "export-pdf");
  const pdf = await renderPlanPdf({
    record: JSON.parse(version.record) as PlanRecord,
    contentHash: version.contentHash,
    verificationCode: version.verificationCode,
    status: version.status,
    check: checkVersion(context.db, version),
    // The configured address, never the request's Host: the PDF outlives the request.
    verifyUrl: `${context.publicUrl}/verify`,
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

export function exportPlanJson(context: AppLoadContext, gate: PlanGate): Response {
  const version = requireExportableVersion(context, gate, "export-json");
  return new Response(JSON.stringify(exportVersion(context.db, version), null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName(version, "json")}"`,
      "Cache-Control": "no-store",
    },
  });
}
