import type { AppDatabase } from "../../db/client";
import { listMunicipalities } from "../../db/queries/roster";

/**
 * The accessibility statement's facts, kept here beside the list of gaps it describes (the
 * texts are in the locale files, `accessibility.*`). Update the dates when the statement changes.
 */
export const accessibilityStatement = {
  published: "2026-11-23",
  assessed: "2026-12-01",
  updated: "2026-12-01",
  /** Digg's form for reporting a public body's inaccessible digital service. */
  reportToDigg: "https://www.digg.se/anmal-bristande-tillganglighet",
  gaps: ["gapPdf", "gapTranslations"] as const,
};

/** The statement page's data: who stands behind the service, where to report a problem (the
 * operator's address when one is configured), and the dates. Open to everyone. */
export function getAccessibilityStatement(db: AppDatabase, contact: string | null) {
  return { municipalities: listMunicipalities(db), contact, ...accessibilityStatement };
}
