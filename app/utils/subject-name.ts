import type { TFunction } from "i18next";
import type { Locale } from "~/i18n";

/** What names a subject: the school's own Swedish and English names and its Skolverket code. */
export interface SubjectNaming {
  code: string;
  /** For language subjects (M1, M2, ML): the language taught, ISO 639 ("es", "de"). */
  languageCode?: string | null;
  nameSv: string;
  nameEn: string;
}

type LooseT = (key: string, options?: Record<string, unknown>) => string;

/**
 * A subject's name in the reader's language: the school's own name in Swedish and English, and
 * for the other languages the translation of its Skolverket code ("MA", "M2" + "es"). A code or a
 * language we have no translation for falls back to the Swedish name.
 */
export function subjectName(subject: SubjectNaming, locale: Locale, t: TFunction): string {
  if (locale === "sv") return subject.nameSv;
  if (locale === "en") return subject.nameEn;
  const translate = t as unknown as LooseT;
  const base = translate(`subjects.codes.${subject.code}`, { defaultValue: "" });
  if (!base) return subject.nameSv;
  if (!subject.languageCode) return base;
  const language = translate(`subjects.languageNames.${subject.languageCode}`, { defaultValue: "" });
  return language ? translate("subjects.withLanguage", { subject: base, language }) : subject.nameSv;
}

/**
 * A step of an assessment scale in the reader's language: grades are the same everywhere; the
 * school's knowledge levels in Swedish and English as the school wrote them, in the other
 * languages our translation of the default level with that key, else the school's Swedish.
 */
export function scaleStepName(step: { key: string; sv: string; en: string }, locale: Locale, t: TFunction): string {
  if (locale === "sv") return step.sv;
  if (locale === "en") return step.en;
  if (!/^k\d$/.test(step.key)) return step.sv;
  return (t as unknown as LooseT)(`plan.assessment.levels.${step.key}`, { defaultValue: step.sv });
}
