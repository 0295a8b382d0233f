import PDFDocument from "pdfkit";
import sv from "~/locales/sv/common";
import { formatDateTime } from "~/utils/format";
import { hasTalkFields, type PlanRecord } from "./plan-record.server";
import { recordNodeText } from "~/utils/record-text";
import type { VersionCheck } from "./plan-signing.server";

/**
 * The signed plan as a PDF (A4, Swedish): the school, class and mentor, the talk's date and who
 * took part in what role (records of format 2), the pupil's text, the assessments, the threads,
 * the signatures, the content hash and the verification code. A section with nothing in it is left
 * out. Uses the PDF standard fonts, which cover Swedish and the other Western European languages;
 * other characters are shown as "?".
 */

// Characters the standard fonts' WinAnsi encoding can show.
const WIN_ANSI_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
function printable(text: string): string {
  return [...text]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (ch === "\n" || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.includes(ch)) return ch;
      return "?";
    })
    .join("");
}

const roleNames: Record<string, string> = { pupil: "elev", guardian: "vårdnadshavare", mentor: "mentor", teacher: "ämneslärare", interpreter: "tolk" };

/** "15 december 2026": the talk's date in full, as a letter would write it. */
const longDate = new Intl.DateTimeFormat("sv-SE", { dateStyle: "long", timeZone: "UTC" });

export function renderPlanPdf(input: {
  record: PlanRecord;
  contentHash: string;
  verificationCode: string;
  status: string;
  check: VersionCheck;
  verifyUrl: string;
}): Promise<Buffer> {
  const { record, check } = input;
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: { Title: "Individuell utvecklingsplan", Producer: "Elevledd IUP" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  const text = (value: string, options?: PDFKit.Mixins.TextOptions) => doc.text(printable(value), options);
  const at = (iso: string) => formatDateTime(new Date(iso), "sv");

  doc.font("Helvetica-Bold").fontSize(18);
  text("Individuell utvecklingsplan (IUP)");
  doc.font("Helvetica").fontSize(11).moveDown(0.3);
  text(`${record.pupil.name} · ${record.school}`);
  text(`${sv.terms[record.term.kind].replace("{{year}}", String(record.term.year))} · version ${record.plan.version}`);
  if (hasTalkFields(record)) {
    const classAndMentor = [
      record.className ? `Klass: ${record.className}` : null,
      record.mentors.length > 0 ? `${record.mentors.length > 1 ? "Mentorer" : "Mentor"}: ${record.mentors.join(", ")}` : null,
    ].filter(Boolean);
    if (classAndMentor.length > 0) text(classAndMentor.join(" · "));
    if (record.talk) text(`Samtal: ${longDate.format(new Date(`${record.talk.date}T12:00:00Z`))} kl. ${record.talk.from}–${record.talk.to} · ${record.talk.place}`);
    const who = record.participants.map((p) => `${p.name} (${[roleNames[p.role] ?? p.role, p.detail].filter(Boolean).join(", ")})`);
    if (who.length > 0) text(`Deltagare: ${who.join(", ")}`);
  }
  text(`Låst ${at(record.locked.at)} av ${record.locked.by.name}`);
  doc.moveDown();

  // Only what has something in it: a subject without an assessment, text or comments is left out.
  const filled = record.sections.filter((section) => section.assessment !== null || section.threads.length > 0 || recordNodeText(section.text).length > 0);
  if (filled.length === 0) {
    doc.fillColor("#555555").fontSize(10.5);
    text("Planen har inget innehåll.");
    doc.fillColor("#000000");
    doc.moveDown();
  }
  for (const section of filled) {
    doc.font("Helvetica-Bold").fontSize(13);
    text(section.title);
    doc.font("Helvetica").fontSize(10.5);
    const lines = recordNodeText(section.text);
    if (section.kind === "subject" && section.assessment) {
      const label = section.assessment.scale === "grades" ? "Betyg" : "Kunskapsnivå";
      text(`${label}: ${section.assessment.level ?? "–"}`);
      if (section.assessment.written) text(`Omdöme: ${section.assessment.written}`);
      doc.fillColor("#555555");
      text(`${section.assessment.by}, ${at(section.assessment.at)}`);
      doc.fillColor("#000000");
    }
    if (section.kind === "subject" && lines.length > 0) {
      doc.font("Helvetica-Oblique");
      text("Min reflektion");
      doc.font("Helvetica");
    }
    for (const line of lines) text(line);
    for (const thread of section.threads) {
      doc.moveDown(0.2).fontSize(9.5).fillColor("#333333");
      text(`Kommentar ${thread.about === "assessment" ? "om bedömningen" : `om "${thread.quote ?? ""}"`}${thread.status === "resolved" ? " (löst)" : ""}:`);
      for (const comment of thread.comments) {
        text(`${comment.author}${comment.role ? ` (${roleNames[comment.role] ?? comment.role})` : ""}, ${at(comment.at)}: ${comment.body}`, { indent: 12 });
      }
      doc.fontSize(10.5).fillColor("#000000");
    }
    doc.moveDown(0.8);
  }

  // Keep the signatures and the hash together on one page.
  if (doc.y > doc.page.height - doc.page.margins.bottom - 90 - check.signatures.length * 60) doc.addPage();
  doc.font("Helvetica-Bold").fontSize(13);
  text("Signaturer");
  doc.font("Helvetica").fontSize(10.5);
  for (const signature of check.signatures) {
    text(`${signature.name} (${roleNames[signature.role] ?? signature.role}) – signerade ${at(signature.signedAt)}${signature.method === "shared-device" ? " på gemensam enhet" : ""}`);
    if (signature.drawing) {
      const top = doc.y;
      doc.save().translate(doc.x, top).scale(0.4).path(signature.drawing).lineWidth(3).stroke("#1b2421").restore();
      doc.y = top + 48;
    }
  }
  for (const missing of check.missing) text(`${missing.name} (${roleNames[missing.role] ?? missing.role}) – har inte signerat`);
  doc.moveDown();
  doc.fontSize(9).fillColor("#333333");
  text(`Status: ${input.status === "signed" ? "signerad av alla" : input.status === "voided" ? "makulerad" : "låst, väntar på signaturer"}`);
  text(`Innehållets SHA-256: ${input.contentHash}`);
  text(`Verifieringskod: ${input.verificationCode}`);
  text(`Kontrollera äktheten på ${input.verifyUrl} med verifieringskoden.`);
  doc.end();
  return done;
}
