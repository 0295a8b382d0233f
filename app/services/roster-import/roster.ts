/**
 * The roster as any source (SS12000, CSV) hands it to the import: one school unit, people with
 * their roles, groups and the relations between them, all named by the source's own ids. The
 * import compares it with what is stored and writes only the difference.
 */

export interface Roster {
  school: { sourceId: string; name: string; municipality: string };
  /** The terms the roster speaks for: its teaching duties replace the stored ones in these terms only. */
  terms: RosterTerm[];
  subjects: RosterSubject[];
  people: RosterPerson[];
  groups: RosterGroup[];
  /** [pupil, guardian] source ids. */
  guardianships: Array<[string, string]>;
  /** [group, pupil] source ids. */
  memberships: Array<[string, string]>;
  /** [group, mentor] source ids. */
  mentorships: Array<[string, string]>;
  duties: RosterDuty[];
  /** What the source said that the import leaves out, and why (shown in the dry run). */
  warnings: RosterProblem[];
}

export interface RosterTerm {
  kind: "HT" | "VT";
  year: number;
  startsOn: string;
  endsOn: string;
}

export interface RosterSubject {
  sourceId: string;
  code: string;
  languageCode: string | null;
  nameSv: string;
  nameEn: string;
  sortOrder: number;
}

export interface RosterPerson {
  sourceId: string;
  givenName: string;
  familyName: string;
  email: string | null;
  dateOfBirth: string | null;
  protectedIdentity: boolean;
  externalId: string | null;
  /** People who live together share a key (made from who they are, never from the address). */
  household: string | null;
  pupil: { schoolYear: number } | null;
  /** A member of staff: whether they administer the school (set-up, imports) and whether they teach. */
  staff: { admin: boolean; teacher: boolean } | null;
}

export interface RosterGroup {
  sourceId: string;
  name: string;
  type: "class" | "mentor" | "teaching";
  schoolYear: number | null;
}

export interface RosterDuty {
  /** The source's id for it (an SS12000 activity). */
  sourceId: string;
  /** "HT2026" */
  term: string;
  /** "MA", or "M2:es" for a language. */
  subject: string;
  group: string;
  teacher: string;
}

/** A problem in the source: where (file and line/column, or the object's path) and what, as an i18n key. */
export interface RosterProblem {
  where: string;
  /** Key under `import.problems.` */
  problem: string;
  /** Values the message names (a column, a value). Never a person's name. */
  values?: Record<string, string>;
}

export const termKey = (term: { kind: "HT" | "VT"; year: number }) => `${term.kind}${term.year}`;
export const subjectKey = (subject: { code: string; languageCode: string | null }) =>
  subject.languageCode ? `${subject.code}:${subject.languageCode}` : subject.code;

/** Whether a period (either end may be open) includes a day. Dates are ISO, so they compare as text. */
export function activeOn(day: string, startDate?: string | null, endDate?: string | null): boolean {
  return (!startDate || startDate <= day) && (!endDate || endDate >= day);
}
