/**
 * Skolverket's subject designations (ämnesbeteckningar) for compulsory school, in the order the
 * plan lists them, with their English names. A source gives the Swedish name; a designation not
 * listed here goes after these, by name, and keeps its Swedish name in English.
 */
const nationalSubjects: Array<[code: string, nameEn: string]> = [
  ["SV", "Swedish"],
  ["SVA", "Swedish as a second language"],
  ["MA", "Mathematics"],
  ["EN", "English"],
  ["M1", "Mother tongue"],
  ["M2", "Modern languages"],
  ["ML", "Modern languages"],
  ["BI", "Biology"],
  ["FY", "Physics"],
  ["KE", "Chemistry"],
  ["TK", "Technology"],
  ["GE", "Geography"],
  ["HI", "History"],
  ["RE", "Religious education"],
  ["SH", "Civics"],
  ["BL", "Art"],
  ["MU", "Music"],
  ["SL", "Crafts"],
  ["HKK", "Home and consumer studies"],
  ["IDH", "Physical education and health"],
  ["TN", "Sign language for the hearing"],
];

/** Modern languages in the order schools most often offer them; others follow by code. */
const languageOrder = ["es", "de", "fr"];

const swedishLanguageNames = new Intl.DisplayNames(["sv"], { type: "language" });
const englishLanguageNames = new Intl.DisplayNames(["en"], { type: "language" });

/** A language code as BCP 47 has it (SS12000 gives ISO 639-3, "spa"; we keep "es"). */
export function canonicalLanguage(code: string | null | undefined): string | null {
  if (!code) return null;
  try {
    return Intl.getCanonicalLocales(code.trim())[0]?.toLowerCase() ?? null;
  } catch {
    return code.trim().toLowerCase();
  }
}

/** Our subject from a source's designation, Swedish name and language. */
export function describeSubject(code: string, nameSv: string, languageCode: string | null) {
  const national = nationalSubjects.findIndex(([c]) => c === code);
  let nameEn = national >= 0 ? nationalSubjects[national]![1] : nameSv;
  let swedish = nameSv;
  if (languageCode) {
    const sv = swedishLanguageNames.of(languageCode) ?? languageCode;
    const en = englishLanguageNames.of(languageCode) ?? languageCode;
    if (!swedish.toLowerCase().includes(sv.toLowerCase())) swedish = `${swedish}, ${sv}`;
    nameEn = `${nameEn}, ${en}`;
  }
  const languageRank = languageCode ? (languageOrder.includes(languageCode) ? languageOrder.indexOf(languageCode) : languageOrder.length) : 0;
  return { nameSv: swedish, nameEn, rank: national >= 0 ? national : nationalSubjects.length, languageRank };
}

/** Whether the designation is one of the national subjects (the CSV accepts only these). */
export function isNationalSubject(code: string): boolean {
  return nationalSubjects.some(([c]) => c === code);
}

/** The national subjects' Swedish names, for sources (CSV) that give only the designation. */
export const nationalSubjectNamesSv: Record<string, string> = {
  SV: "Svenska",
  SVA: "Svenska som andraspråk",
  MA: "Matematik",
  EN: "Engelska",
  M1: "Modersmål",
  M2: "Moderna språk",
  ML: "Moderna språk",
  BI: "Biologi",
  FY: "Fysik",
  KE: "Kemi",
  TK: "Teknik",
  GE: "Geografi",
  HI: "Historia",
  RE: "Religionskunskap",
  SH: "Samhällskunskap",
  BL: "Bild",
  MU: "Musik",
  SL: "Slöjd",
  HKK: "Hem- och konsumentkunskap",
  IDH: "Idrott och hälsa",
  TN: "Teckenspråk för hörande",
};

/** Sorts subjects as the plan lists them and numbers them. */
export function orderSubjects<T extends { code: string; nameSv: string; languageCode: string | null }>(subjects: T[]): Array<T & { sortOrder: number }> {
  const ranked = subjects.map((s) => ({ s, d: describeSubject(s.code, s.nameSv, s.languageCode) }));
  ranked.sort(
    (a, b) =>
      a.d.rank - b.d.rank ||
      a.s.code.localeCompare(b.s.code) ||
      a.d.languageRank - b.d.languageRank ||
      (a.s.languageCode ?? "").localeCompare(b.s.languageCode ?? "") ||
      a.s.nameSv.localeCompare(b.s.nameSv, "sv"),
  );
  return ranked.map(({ s }, index) => ({ ...s, sortOrder: index }));
}
