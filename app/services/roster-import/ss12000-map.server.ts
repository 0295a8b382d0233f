import { createHash } from "node:crypto";
import { activeOn, subjectKey, termKey, type Roster, type RosterDuty, type RosterPerson, type RosterProblem, type RosterTerm } from "./roster";
import {
  adminDutyRoles,
  GUARDIAN_RELATION,
  groupTypes,
  MENTOR_ASSIGNMENT,
  NO_SECURITY_MARKING,
  SCHOOL_UNIT,
  TEACHING_ACTIVITY,
  type Person,
  type Ss12000Data,
} from "./ss12000-model";
import { canonicalLanguage, describeSubject, orderSubjects } from "./subjects";

export interface Ss12000Options {
  /** The school unit to read (the school's source id); may be left out when the data holds only one. */
  schoolUnitId: string | null;
  /** The day that decides which enrolments, memberships and duties are in force. */
  today: string;
  /**
   * Which of a person's identifiers fills `people.external_id` (matched at sign-in): the
   * `externalIdentifiers` entry with this context, "eduPersonPrincipalName" for the first ePPN,
   * or null for the person's only globally unique external identifier. Never the civic number.
   */
  externalIdContext: string | null;
}

export type MapResult = { ok: true; roster: Roster } | { ok: false; problems: RosterProblem[] };

/**
 * One school unit's roster from SS12000 data (organisations, persons, groups, duties, activities,
 * syllabuses). What is in force on `today` counts: enrolments, group memberships, duties and
 * assignment roles that have ended, or not yet begun, are left out. Persons are those enrolled at
 * the unit (pupils), those with a duty there (staff) and the pupils' responsibles of the relation
 * type "Vårdnadshavare" (guardians).
 */
export function mapSs12000(data: Ss12000Data, options: Ss12000Options): MapResult {
  const { today } = options;
  const warnings: RosterProblem[] = [];

  const units = data.organisations.filter((o) => o.organisationType === SCHOOL_UNIT);
  const unit = options.schoolUnitId ? data.organisations.find((o) => o.id === options.schoolUnitId) : units.length === 1 ? units[0] : undefined;
  if (!unit) {
    const problem = options.schoolUnitId ? "unitMissing" : units.length === 0 ? "noUnit" : "severalUnits";
    return { ok: false, problems: [{ where: "organisations", problem }] };
  }
  const parent = unit.parentOrganisation ? data.organisations.find((o) => o.id === unit.parentOrganisation!.id) : undefined;
  const atUnit = (ref: { id: string }) => ref.id === unit.id;

  const personById = new Map(data.persons.map((p) => [p.id, p]));
  /** Persons any reference marks as protected (a reference carries the marking too: fail closed). */
  const markedByReference = new Set<string>();
  const noteReference = (ref: { id: string; securityMarking?: string | null }) => {
    if (ref.securityMarking && ref.securityMarking !== NO_SECURITY_MARKING) markedByReference.add(ref.id);
  };

  // Staff: a duty at the unit in force today.
  const duties = data.duties.filter((d) => atUnit(d.dutyAt) && activeOn(today, d.startDate, d.endDate));
  const dutyById = new Map(duties.map((d) => [d.id, d]));
  const staffRoles = new Map<string, { admin: boolean; teacher: boolean }>();
  for (const duty of duties) {
    if (!duty.person) {
      warnings.push({ where: `duties/${duty.id}`, problem: "dutyWithoutPerson" });
      continue;
    }
    noteReference(duty.person);
    const roles = staffRoles.get(duty.person.id) ?? { admin: false, teacher: false };
    if (adminDutyRoles.has(duty.dutyRole)) roles.admin = true;
    else roles.teacher = true;
    staffRoles.set(duty.person.id, roles);
  }

  // Pupils: enrolled at the unit today (not cancelled).
  const pupilYears = new Map<string, number>();
  for (const person of data.persons) {
    const enrolment = person.enrolments?.find((e) => atUnit(e.enroledAt) && !e.cancelled && activeOn(today, e.startDate, e.endDate));
    if (!enrolment) continue;
    if (enrolment.schoolYear == null) {
      warnings.push({ where: `persons/${person.id}`, problem: "noSchoolYear" });
      continue;
    }
    pupilYears.set(person.id, enrolment.schoolYear);
  }

  // Guardians: the pupils' responsibles of the relation type Vårdnadshavare.
  const guardianships: Array<[string, string]> = [];
  const guardianIds = new Set<string>();
  for (const pupilId of pupilYears.keys()) {
    for (const responsible of personById.get(pupilId)!.responsibles ?? []) {
      if (responsible.relationType !== GUARDIAN_RELATION) continue;
      noteReference(responsible.person);
      if (!personById.has(responsible.person.id)) {
        warnings.push({ where: `persons/${pupilId}/responsibles`, problem: "responsibleMissing" });
        continue;
      }
      if (guardianIds.has(`${pupilId}/${responsible.person.id}`)) continue;
      guardianIds.add(`${pupilId}/${responsible.person.id}`);
      guardianships.push([pupilId, responsible.person.id]);
    }
  }
  const guardians = new Set(guardianships.map(([, g]) => g));

  // Groups of the unit in force today, of the types the app has; their pupils in force today.
  const groups: Roster["groups"] = [];
  const memberships: Array<[string, string]> = [];
  const mentorships = new Set<string>();
  const groupIds = new Set<string>();
  for (const group of data.groups) {
    if (!atUnit(group.organisation) || !activeOn(today, group.startDate, group.endDate)) continue;
    const type = groupTypes[group.groupType];
    if (!type) continue;
    const members = new Set<string>();
    for (const m of group.groupMemberships ?? []) {
      noteReference(m.person);
      if (pupilYears.has(m.person.id) && activeOn(today, m.startDate, m.endDate)) members.add(m.person.id);
    }
    groupIds.add(group.id);
    groups.push({ sourceId: group.id, name: group.displayName, type, schoolYear: mostCommon([...members].map((id) => pupilYears.get(id)!)) });
    for (const pupilId of members) memberships.push([group.id, pupilId]);
    for (const role of group._embedded?.assignmentRoles ?? []) {
      const duty = dutyById.get(role.duty.id);
      if (role.assignmentRoleType === MENTOR_ASSIGNMENT && duty?.person && activeOn(today, role.startDate, role.endDate)) mentorships.add(`${group.id}\n${duty.person.id}`);
    }
  }
  for (const duty of duties) {
    for (const role of duty.assignmentRole ?? []) {
      if (role.assignmentRoleType !== MENTOR_ASSIGNMENT || !duty.person || !activeOn(today, role.startDate, role.endDate)) continue;
      if (groupIds.has(role.group.id)) mentorships.add(`${role.group.id}\n${duty.person.id}`);
    }
  }

  // Activities: which teacher teaches which group which subject, in which terms.
  const syllabusById = new Map(data.syllabuses.map((s) => [s.id, s]));
  const subjects = new Map<string, { sourceId: string; code: string; languageCode: string | null; nameSv: string; nameEn: string }>();
  const terms = new Map<string, RosterTerm>();
  const dutyRows = new Map<string, RosterDuty>();
  for (const activity of data.activities) {
    if (!atUnit(activity.organisation) || (activity.activityType && activity.activityType !== TEACHING_ACTIVITY)) continue;
    const syllabus = activity.syllabus ? syllabusById.get(activity.syllabus.id) : undefined;
    if (!syllabus) {
      warnings.push({ where: `activities/${activity.id}`, problem: "syllabusMissing" });
      continue;
    }
    const code = (syllabus.subjectDesignation ?? syllabus.subjectCode).trim().toUpperCase();
    const languageCode = canonicalLanguage(syllabus.languageCode);
    const key = subjectKey({ code, languageCode });
    if (!subjects.has(key)) {
      const described = describeSubject(code, syllabus.subjectName.trim(), languageCode);
      subjects.set(key, { sourceId: syllabus.id, code, languageCode, nameSv: described.nameSv, nameEn: described.nameEn });
    }
    for (const part of termParts(activity.startDate, activity.endDate ?? null)) {
      const tk = termKey(part);
      const known = terms.get(tk);
      terms.set(tk, known ? { ...known, startsOn: min(known.startsOn, part.startsOn), endsOn: max(known.endsOn, part.endsOn) } : part);
      for (const teacher of activity.teachers ?? []) {
        const duty = dutyById.get(teacher.duty.id);
        if (!duty?.person) continue;
        // A teacher who has left the activity teaches none of its terms any more; one who joins later teaches the terms from then.
        if (teacher.endDate && teacher.endDate < today) continue;
        if (teacher.endDate && teacher.endDate < part.startsOn) continue;
        if (teacher.startDate && teacher.startDate > part.endsOn) continue;
        for (const group of activity.groups) {
          if (!groupIds.has(group.id)) continue;
          const row = { sourceId: activity.id, term: tk, subject: key, group: group.id, teacher: duty.person.id };
          dutyRows.set(`${tk}\n${key}\n${group.id}\n${duty.person.id}`, row);
        }
      }
    }
  }

  // People: pupils, staff and guardians, each once.
  const ids = new Set([...pupilYears.keys(), ...staffRoles.keys(), ...guardians]);
  const households = householdKeys([...ids].map((id) => personById.get(id)).filter((p): p is Person => p !== undefined));
  const people: RosterPerson[] = [];
  for (const id of ids) {
    const person = personById.get(id);
    if (!person) {
      warnings.push({ where: `duties`, problem: "personMissing" });
      continue;
    }
    const pupil = pupilYears.has(id) ? { schoolYear: pupilYears.get(id)! } : null;
    const staff = staffRoles.get(id) ?? null;
    people.push({
      sourceId: id,
      givenName: person.givenName.trim(),
      familyName: person.familyName.trim(),
      email: chooseEmail(person, pupil ? "Skola elev" : staff ? "Skola personal" : "Privat"),
      dateOfBirth: person.birthDate ?? null,
      protectedIdentity: (person.securityMarking != null && person.securityMarking !== NO_SECURITY_MARKING) || markedByReference.has(id),
      externalId: chooseExternalId(person, options.externalIdContext),
      household: households.get(id) ?? null,
      pupil,
      staff,
    });
  }
  const known = new Set(people.map((p) => p.sourceId));

  return {
    ok: true,
    roster: {
      school: { sourceId: unit.id, name: unit.displayName.trim(), municipality: (parent?.displayName ?? unit.municipalityCode ?? "").trim() },
      terms: [...terms.values()].sort((a, b) => a.startsOn.localeCompare(b.startsOn)),
      subjects: orderSubjects([...subjects.values()]),
      people,
      groups,
      guardianships: guardianships.filter(([p, g]) => known.has(p) && known.has(g)),
      memberships: memberships.filter(([, p]) => known.has(p)),
      mentorships: [...mentorships].map((k) => k.split("\n") as [string, string]).filter(([, m]) => known.has(m)),
      duties: [...dutyRows.values()].filter((d) => known.has(d.teacher)),
      warnings,
    },
  };
}

/** The parts of an activity's period that fall in each term: HT is July–December, VT January–June. */
function termParts(startDate: string, endDate: string | null): RosterTerm[] {
  const startYear = Number(startDate.slice(0, 4));
  // An open-ended activity runs to the end of the school year it starts in.
  const end = endDate ?? `${Number(startDate.slice(5, 7)) >= 7 ? startYear + 1 : startYear}-06-30`;
  const parts: RosterTerm[] = [];
  for (let year = startYear; year <= Number(end.slice(0, 4)); year++) {
    for (const [kind, from, to] of [["VT", `${year}-01-01`, `${year}-06-30`], ["HT", `${year}-07-01`, `${year}-12-31`]] as const) {
      const startsOn = max(startDate, from);
      const endsOn = min(end, to);
      if (startsOn <= endsOn) parts.push({ kind, year, startsOn, endsOn });
    }
  }
  return parts;
}

/**
 * Households: people registered at the same address live together. The key is made from who
 * they are (their source ids), so no address, nor a digest of one, is ever stored.
 */
function householdKeys(persons: Person[]): Map<string, string> {
  const byAddress = new Map<string, string[]>();
  for (const person of persons) {
    const address = person.addresses?.find((a) => !a.type || a.type === "Folkbokföring") ?? person.addresses?.[0];
    if (!address?.streetAddress || !address.postalCode) continue;
    const key = `${address.streetAddress}|${address.postalCode}`.toLowerCase().replace(/\s+/g, " ").trim();
    byAddress.set(key, [...(byAddress.get(key) ?? []), person.id]);
  }
  const keys = new Map<string, string>();
  for (const members of byAddress.values()) {
    const key = createHash("sha256").update(members.sort().join("\n")).digest("base64url").slice(0, 22);
    for (const id of members) keys.set(id, key);
  }
  return keys;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function chooseEmail(person: Person, preferredType: string): string | null {
  const emails = (person.emails ?? []).map((e) => ({ value: e.value.trim().toLowerCase(), type: e.type })).filter((e) => EMAIL.test(e.value));
  return (emails.find((e) => e.type === preferredType) ?? emails[0])?.value ?? null;
}

function chooseExternalId(person: Person, context: string | null): string | null {
  if (context === "eduPersonPrincipalName") return person.eduPersonPrincipalNames?.[0]?.trim() || null;
  const identifiers = person.externalIdentifiers ?? [];
  if (context) return identifiers.find((i) => i.context === context)?.value.trim() || null;
  const unique = identifiers.filter((i) => i.globallyUnique);
  return unique.length === 1 ? unique[0]!.value.trim() || null : null;
}

function mostCommon(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  for (const [value, n] of counts) if (best === null || n > counts.get(best)! || (n === counts.get(best)! && value < best)) best = value;
  return best;
}

const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);
