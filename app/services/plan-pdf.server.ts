import PDFDocument from "pdfkit";
import { DEFAULT_KNOWLEDGE_LEVELS } from "../../db/queries/assessments";
import { textDirection, type Locale } from "~/i18n";
import { formatDateTime, formatList, formatTalkTime } from "~/utils/format";
import { translatorFor } from "~/utils/i18n.server";
import { recordNodeText } from "~/utils/record-text";
import { PdfTextWriter } from "./pdf-text.server";
import { hasTalkFields, recordedAttendance, type PlanRecord } from "./plan-record.server";
import type { VersionCheck } from "./plan-signing.server";

/**
 * The signed plan as a PDF (A4): the school, class and mentor, the talk's date and who took part in
 * what role (records of format 2), the pupil's text, the assessments, the threads, the signatures,
 * the content hash and the verification code. A section with nothing in it is left out. The labels are in the language of the person who
 * exports it; what people wrote and their names print in whatever script they are in (Noto Sans
 * for Latin, Cyrillic, Greek, Arabic and Ethiopic, laid out by `PdfTextWriter`).
 */

type T = (key: string, options?: Record<string, unknown>) => string;

// Subjects whose Swedish title names a language ("Moderna språk, spanska"): the code alone would lose it.
const LANGUAGE_SUBJECTS = new Set(["M1", "M2", "ML"]);

export function renderPlanPdf(input: {
  record: PlanRecord;
  contentHash: string;
  verificationCode: string;
  status: string;
  check: VersionCheck;
  verifyUrl: string;
  locale: Locale;
}): Promise<Buffer> {
  const { record, check, locale } = input;
  const t = translatorFor(locale) as unknown as T;
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    lang: locale,
    info: { Title: t("pdf.title"), Producer: "Elevledd IUP" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  const write = new PdfTextWriter(doc, textDirection(locale));
  const at = (iso: string) => formatDateTime(new Date(iso), locale);
  const role = (name: string | null) => (name ? t(`roles.${name}`, { defaultValue: name }) : "");
  const participantRole = (name: string) => role(name === "interpreter" ? "guest" : name);
  const grey = "#444444";

  write.paragraph(t("pdf.title"), { size: 18, weight: "bold", spaceAfter: 4 });
  write.paragraph(t("pdf.pupilSchool", { pupil: record.pupil.name, school: record.school }), { size: 11 });
  write.paragraph(t("pdf.termVersion", { term: t(`terms.${record.term.kind}`, { year: record.term.year }), version: record.plan.version }), { size: 11 });
  if (hasTalkFields(record)) {
    const classAndMentor = [
      record.className ? t("pdf.className", { name: record.className }) : null,
      record.mentors.length > 0 ? t("pdf.mentors", { count: record.mentors.length, names: formatList(record.mentors, locale) }) : null,
    ].filter((line): line is string => line !== null);
    if (classAndMentor.length > 0) write.paragraph(classAndMentor.join(" · "), { size: 11 });
    if (record.talk) {
      const { date, range } = formatTalkTime(`${record.talk.date}T${record.talk.from}`, `${record.talk.date}T${record.talk.to}`, locale);
      write.paragraph(t("pdf.talk", { date, range, place: record.talk.place }), { size: 11 });
    }
    const who = record.participants.map((p) => {
      const details = [participantRole(p.role), participantDetail(p, t)].filter(Boolean).join(", ");
      return t("pdf.participant", { name: p.name, details });
    });
    if (who.length > 0) write.paragraph(t("pdf.participants", { list: formatList(who, locale) }), { size: 11 });
  }
  write.paragraph(t("pdf.locked", { time: at(record.locked.at), name: record.locked.by.name }), { size: 11, spaceAfter: 12 });

  // Only what has something in it: a subject without an assessment, text or comments is left out.
  const filled = record.sections.filter((section) => section.assessment !== null || section.threads.length > 0 || recordNodeText(section.text).length > 0);
  if (filled.length === 0) write.paragraph(t("pdf.noContent"), { size: 10.5, color: grey, spaceAfter: 12 });
  for (const section of filled) {
    write.keepSpace(60);
    write.paragraph(sectionTitle(section, locale, t), { size: 13, weight: "bold", spaceAfter: 2 });
    // What is there is printed; what is missing is not named (the filter above left out empty sections).
    const lines = recordNodeText(section.text);
    if (section.kind === "subject" && section.assessment) {
      const label = t(`plan.assessment.level.${section.assessment.scale}`);
      write.paragraph(t("pdf.labelValue", { label, value: levelName(section.assessment.level, locale, t) }), { size: 10.5 });
      if (section.assessment.written) {
        write.paragraph(t("pdf.labelValue", { label: t("plan.assessment.written"), value: section.assessment.written }), { size: 10.5 });
      }
      write.paragraph(t("pdf.assessedBy", { name: section.assessment.by, time: at(section.assessment.at) }), { size: 10.5, color: grey });
    }
    if (section.kind === "subject" && lines.length > 0) write.paragraph(t("plan.reflection"), { size: 10.5, weight: "bold" });
    for (const line of lines) write.paragraph(line, { size: 10.5, direction: "auto" });
    for (const thread of section.threads) {
      write.moveDown(3);
      const about = thread.about === "assessment" ? "threadAssessment" : thread.about === "reflection" ? "threadReflection" : "threadText";
      const key = `pdf.${about}${thread.status === "resolved" ? "Resolved" : ""}`;
      write.paragraph(t(key, { quote: thread.quote ?? "" }), { size: 9.5, color: "#333333" });
      for (const comment of thread.comments) {
        const values = { name: comment.author, role: role(comment.role), time: at(comment.at), text: comment.body };
        write.paragraph(t(comment.role ? "pdf.commentWithRole" : "pdf.comment", values), { size: 9.5, color: "#333333", indent: 12 });
      }
    }
    write.moveDown(10);
  }

  // Keep the signatures and the hash together on one page.
  write.keepSpace(110 + check.signatures.length * 60);
  write.paragraph(t("verify.signatures"), { size: 13, weight: "bold", spaceAfter: 2 });
  for (const signature of check.signatures) {
    const values = { name: signature.name, role: role(signature.role), time: at(signature.signedAt) };
    write.paragraph(t(signature.method === "shared-device" ? "pdf.signedShared" : "pdf.signed", values), { size: 10.5 });
    if (signature.drawing) {
      const top = write.y;
      doc.save().translate(write.startX(120), top).scale(0.4).path(signature.drawing).lineWidth(3).stroke("#1b2421").restore();
      write.moveDown(48);
    }
  }
  for (const missing of check.missing) write.paragraph(t("pdf.notSigned", { name: missing.name, role: role(missing.role) }), { size: 10.5 });
  write.moveDown(12);
  const status = input.status === "signed" ? t("pdf.statusSigned") : input.status === "voided" ? t("pdf.statusVoided") : t("pdf.statusLocked");
  write.paragraph(t("pdf.status", { status }), { size: 9, color: "#333333" });
  write.paragraph(t("pdf.hash", { hash: input.contentHash }), { size: 9, color: "#333333" });
  write.paragraph(t("pdf.code", { code: input.verificationCode }), { size: 9, color: "#333333" });
  write.paragraph(t("pdf.verifyAt", { url: input.verifyUrl }), { size: 9, color: "#333333" });
  doc.end();
  return done;
}

/** The section's heading in the exporter's language; the record's own (Swedish) title otherwise. */
function sectionTitle(section: PlanRecord["sections"][number], locale: Locale, t: T): string {
  if (locale === "sv") return section.title;
  if (section.kind !== "subject") return t(`plan.sections.${section.kind}`, { defaultValue: section.title });
  if (!section.subjectCode || LANGUAGE_SUBJECTS.has(section.subjectCode)) return section.title;
  return t(`subjects.codes.${section.subjectCode}`, { defaultValue: section.title });
}

/** A recorded level (the Swedish name of the step) in the exporter's language, where we know it. */
function levelName(level: string | null, locale: Locale, t: T): string {
  if (level === null) return "–";
  if (locale === "sv") return level;
  const known = DEFAULT_KNOWLEDGE_LEVELS.find((step) => step.sv === level);
  return known ? t(`plan.assessment.levels.${known.key}`) : level;
}

/** How a guardian took part (recorded in Swedish, told in the exporter's language) or an interpreter's language. */
function participantDetail(participant: { role: string; detail: string | null }, t: T): string {
  if (!participant.detail) return "";
  // An interpreter's language as staff wrote it (free text).
  if (participant.role === "interpreter") return participant.detail;
  const attendance = Object.entries(recordedAttendance).find(([, words]) => words === participant.detail)?.[0];
  return attendance ? t(`pdf.attendance.${attendance}`) : participant.detail;
}
