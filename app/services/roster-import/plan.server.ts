import { createHash } from "node:crypto";
import { newId } from "../../../db/ids";
import { emptyWrites, type RosterWrites, type StoredRoster } from "../../../db/queries/roster-import";
import { subjectKey, termKey, type Roster, type RosterPerson, type RosterProblem } from "./roster";

/**
 * Compares a roster from a source with what is stored and says what an import would do: the
 * changes the admin reads in the dry run, and the writes that make them. Only rows the import
 * manages (those with a source id) are compared; anything else is left as it is. Nothing that
 * has a history is deleted: people and groups the source no longer lists are ended, their
 * memberships, custody, mentorships and duties removed, their plans and signed records kept.
 */

export type ChangeKind = "added" | "changed" | "ended" | "returned";
export type PersonRole = "pupil" | "guardian" | "staff";

export type FieldChange =
  | { field: "givenName" | "familyName" | "email" | "dateOfBirth" | "externalId" | "schoolYear" | "protectedIdentity" | "admin" | "teacher"; from: string | null; to: string | null }
  | { field: "household" }
  | { field: "groups" | "guardians" | "children" | "mentorOf" | "teaches"; added: string[]; removed: string[] };

export interface PersonChange {
  sourceId: string;
  personId: string | null;
  givenName: string;
  familyName: string;
  roles: PersonRole[];
  /** Protected before or after: the page shows a masked row. */
  protected: boolean;
  change: ChangeKind;
  fields: FieldChange[];
}

export interface GroupChange {
  sourceId: string;
  name: string;
  type: "class" | "mentor" | "teaching";
  change: ChangeKind;
  fields: Array<{ field: "name" | "type" | "schoolYear"; from: string | null; to: string | null }>;
}

export type Tally = { added: number; changed: number; ended: number };
export const countKinds = ["pupils", "guardians", "staff", "groups", "memberships", "guardianships", "mentorships", "duties", "subjects", "terms"] as const;
export type CountKind = (typeof countKinds)[number];

export interface ImportChanges {
  school: { name: string; bindsSource: boolean; renamed: { from: string; to: string } | null; created: boolean };
  counts: Record<CountKind, Tally>;
  people: PersonChange[];
  groups: GroupChange[];
  terms: Array<{ key: string; change: "added" | "changed"; startsOn: string; endsOn: string }>;
  subjects: Array<{ code: string; languageCode: string | null; nameSv: string; nameEn?: string; change: "added" | "changed" }>;
  warnings: RosterProblem[];
  /** Problems that stop the import (nothing is applied while there are any). */
  problems: RosterProblem[];
  /** Whether anything would be written at all. */
  empty: boolean;
}

export interface ImportPlan {
  changes: ImportChanges;
  writes: RosterWrites;
  /** Pupils whose relations (and so who may see their plan) the import changes. */
  affectedPupilIds: string[];
  /** Hash of the changes: what the admin saw is what is applied. */
  fingerprint: string;
}

/** Stands for a person with protected identity in another person's changes (the page masks it). */
export const MASKED_PERSON = "#protected";

const zero = (): Tally => ({ added: 0, changed: 0, ended: 0 });

export function planImport(
  stored: StoredRoster,
  roster: Roster,
  options: { schoolId: string; now: Date; emailsHeldElsewhere: Set<string> },
): ImportPlan {
  const { schoolId, now } = options;
  const w = emptyWrites();
  const counts = Object.fromEntries(countKinds.map((k) => [k, zero()])) as Record<CountKind, Tally>;
  const warnings = [...roster.warnings];
  const problems: RosterProblem[] = [];
  const affected = new Set<string>();

  // The school.
  const school = stored.school;
  if (school?.sourceId && school.sourceId !== roster.school.sourceId) {
    problems.push({ where: "organisations", problem: "otherSchool" });
  }
  if (!school) {
    w.schoolInsert = { id: schoolId, sourceId: roster.school.sourceId, name: roster.school.name, municipality: roster.school.municipality };
  } else {
    const set: Record<string, string> = {};
    if (!school.sourceId) set.sourceId = roster.school.sourceId;
    if (school.name !== roster.school.name && roster.school.name) set.name = roster.school.name;
    if (Object.keys(set).length > 0) w.schoolUpdate = { id: school.id, set };
  }

  // People: who is guardian of whom decides the guardian role.
  const guardianIds = new Set(roster.guardianships.map(([, g]) => g));
  dedupeSignInNames(roster.people, options.emailsHeldElsewhere, warnings);

  if (!roster.people.some((p) => p.staff?.admin)) problems.push({ where: "people", problem: "noAdmin" });

  // Terms and subjects are never ended: plans and assessments refer to them.
  const termIds = new Map<string, string>();
  const storedTerms = new Map(stored.terms.map((t) => [termKey(t), t]));
  for (const term of roster.terms) {
    const key = termKey(term);
    const known = storedTerms.get(key);
    if (!known) {
      const id = newId();
      termIds.set(key, id);
      w.termInserts.push({ id, schoolId, kind: term.kind, year: term.year, startsOn: term.startsOn, endsOn: term.endsOn });
      counts.terms.added++;
    } else {
      termIds.set(key, known.id);
      if (known.startsOn !== term.startsOn || known.endsOn !== term.endsOn) {
        w.termUpdates.push({ id: known.id, startsOn: term.startsOn, endsOn: term.endsOn });
        counts.terms.changed++;
      } else continue;
    }
    // (the change list below is built from the writes)
  }
  const termChanges: ImportChanges["terms"] = [
    ...w.termInserts.map((t) => ({ key: `${t.kind}${t.year}`, change: "added" as const, startsOn: t.startsOn, endsOn: t.endsOn })),
    ...w.termUpdates.map((t) => {
      const term = stored.terms.find((s) => s.id === t.id)!;
      return { key: termKey(term), change: "changed" as const, startsOn: t.startsOn, endsOn: t.endsOn };
    }),
  ];

  const subjectIds = new Map<string, string>();
  const storedSubjects = new Map(stored.subjects.map((s) => [subjectKey(s), s]));
  const subjectChanges: ImportChanges["subjects"] = [];
  for (const subject of roster.subjects) {
    const key = subjectKey(subject);
    const known = storedSubjects.get(key);
    if (!known) {
      const id = newId();
      subjectIds.set(key, id);
      w.subjectInserts.push({ id, schoolId, ...subject });
      counts.subjects.added++;
      subjectChanges.push({ code: subject.code, languageCode: subject.languageCode, nameSv: subject.nameSv, nameEn: subject.nameEn, change: "added" });
      continue;
    }
    subjectIds.set(key, known.id);
    const set: Record<string, string | number> = {};
    for (const field of ["sourceId", "nameSv", "nameEn", "sortOrder"] as const) if (known[field] !== subject[field]) set[field] = subject[field];
    if (Object.keys(set).length > 0) {
      w.subjectUpdates.push({ id: known.id, set });
      counts.subjects.changed++;
      subjectChanges.push({ code: subject.code, languageCode: subject.languageCode, nameSv: subject.nameSv, nameEn: subject.nameEn, change: "changed" });
    }
  }

  // Households: a household of the source is the stored one most of its people already live in
  // (so that someone moving out changes nobody else's), or a new one.
  const householdIds = new Map<string, string>();
  const storedBySource = new Map(stored.people.filter((p) => p.sourceId).map((p) => [p.sourceId!, p]));
  const storedHouseholdKeys = new Map(stored.households.filter((h) => h.sourceId).map((h) => [h.sourceId!, h.id]));
  const claimed = new Set<string>();
  const householdMembers = new Map<string, string[]>();
  for (const p of roster.people) if (p.household) householdMembers.set(p.household, [...(householdMembers.get(p.household) ?? []), p.sourceId]);
  for (const [key, members] of [...householdMembers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const votes = new Map<string, number>();
    for (const member of members) {
      const current = storedBySource.get(member)?.householdId;
      if (current && !claimed.has(current)) votes.set(current, (votes.get(current) ?? 0) + 1);
    }
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? storedHouseholdKeys.get(key);
    if (best && !claimed.has(best)) {
      householdIds.set(key, best);
      claimed.add(best);
      continue;
    }
    const id = newId();
    householdIds.set(key, id);
    claimed.add(id);
    w.householdInserts.push({ id, schoolId, sourceId: storedHouseholdKeys.has(key) ? `${key}.${id}` : key });
  }

  // People.
  const storedPeople = new Map(stored.people.filter((p) => p.sourceId).map((p) => [p.sourceId!, p]));
  const personIds = new Map<string, string>();
  const personChanges = new Map<string, PersonChange>();
  const names = new Map<string, { name: string; protected: boolean }>();
  const rolesOf = (p: RosterPerson): PersonRole[] => [...(p.pupil ? ["pupil" as const] : []), ...(guardianIds.has(p.sourceId) ? ["guardian" as const] : []), ...(p.staff ? ["staff" as const] : [])];
  const tallyPerson = (roles: PersonRole[], kind: keyof Tally) => {
    const primary = roles.includes("pupil") ? "pupils" : roles.includes("staff") ? "staff" : "guardians";
    counts[primary][kind]++;
  };
  for (const person of roster.people) {
    const known = storedPeople.get(person.sourceId);
    const householdId = person.household ? householdIds.get(person.household)! : null;
    const roles = rolesOf(person);
    if (!known) {
      const id = newId();
      personIds.set(person.sourceId, id);
      w.peopleInserts.push({
        id,
        schoolId,
        sourceId: person.sourceId,
        givenName: person.givenName,
        familyName: person.familyName,
        email: person.email,
        dateOfBirth: person.dateOfBirth,
        protectedIdentity: person.protectedIdentity,
        externalId: person.externalId,
        householdId,
      });
      if (person.pupil) w.pupilInserts.push({ personId: id, schoolYear: person.pupil.schoolYear });
      if (person.staff) w.staffInserts.push({ personId: id, isAdmin: person.staff.admin, isTeacher: person.staff.teacher });
      personChanges.set(person.sourceId, { sourceId: person.sourceId, personId: null, givenName: person.givenName, familyName: person.familyName, roles, protected: person.protectedIdentity, change: "added", fields: [] });
      tallyPerson(roles, "added");
      if (person.pupil) affected.add(id);
      continue;
    }
    personIds.set(person.sourceId, known.id);
    const fields: FieldChange[] = [];
    const set: Record<string, unknown> = {};
    const compare = <K extends "givenName" | "familyName" | "email" | "dateOfBirth" | "externalId">(field: K) => {
      if (known[field] !== person[field]) {
        fields.push({ field, from: known[field], to: person[field] });
        set[field] = person[field];
      }
    };
    compare("givenName");
    compare("familyName");
    compare("email");
    compare("dateOfBirth");
    compare("externalId");
    if (known.protectedIdentity !== person.protectedIdentity) {
      fields.push({ field: "protectedIdentity", from: String(known.protectedIdentity), to: String(person.protectedIdentity) });
      set.protectedIdentity = person.protectedIdentity;
    }
    if (known.householdId !== householdId) {
      fields.push({ field: "household" });
      set.householdId = householdId;
    }
    const returned = known.endedAt !== null;
    if (returned) set.endedAt = null;
    const releaseEmail = "email" in set && known.email !== null;
    const releaseExternal = "externalId" in set && known.externalId !== null;
    if (releaseEmail || releaseExternal) w.peopleReleases.push({ id: known.id, email: releaseEmail, externalId: releaseExternal });
    if (Object.keys(set).length > 0) w.peopleUpdates.push({ id: known.id, set });
    // Roles.
    if (person.pupil) {
      if (known.schoolYear === null) w.pupilInserts.push({ personId: known.id, schoolYear: person.pupil.schoolYear });
      else if (known.schoolYear !== person.pupil.schoolYear) w.pupilUpdates.push({ personId: known.id, schoolYear: person.pupil.schoolYear });
      if (known.schoolYear !== person.pupil.schoolYear) fields.push({ field: "schoolYear", from: known.schoolYear === null ? null : String(known.schoolYear), to: String(person.pupil.schoolYear) });
    }
    if (person.staff) {
      if (known.staffAdmin === null) w.staffInserts.push({ personId: known.id, isAdmin: person.staff.admin, isTeacher: person.staff.teacher });
      else if (known.staffAdmin !== person.staff.admin || known.staffTeacher !== person.staff.teacher) {
        w.staffUpdates.push({ personId: known.id, ...person.staff });
      }
      if (known.staffAdmin !== person.staff.admin) fields.push({ field: "admin", from: known.staffAdmin === null ? null : String(known.staffAdmin), to: String(person.staff.admin) });
      if (known.staffTeacher !== person.staff.teacher) fields.push({ field: "teacher", from: known.staffTeacher === null ? null : String(known.staffTeacher), to: String(person.staff.teacher) });
    } else if (known.staffAdmin !== null) {
      w.staffDeletes.push(known.id);
      fields.push({ field: "admin", from: String(known.staffAdmin), to: null }, { field: "teacher", from: String(known.staffTeacher), to: null });
    }
    if (fields.length > 0 || returned) {
      personChanges.set(person.sourceId, {
        sourceId: person.sourceId,
        personId: known.id,
        givenName: person.givenName,
        familyName: person.familyName,
        roles,
        protected: person.protectedIdentity || known.protectedIdentity,
        change: returned ? "returned" : "changed",
        fields,
      });
      tallyPerson(roles, returned ? "added" : "changed");
      // Age, protection or a lost staff role change what others may do with the pupil's plan.
      if (known.schoolYear !== null) affected.add(known.id);
    }
  }
  const inRoster = new Set(roster.people.map((p) => p.sourceId));
  for (const known of storedPeople.values()) {
    if (inRoster.has(known.sourceId!) || known.endedAt !== null) continue;
    const roles: PersonRole[] = [...(known.schoolYear !== null ? ["pupil" as const] : []), ...(stored.guardianships.some((g) => g.guardianId === known.id) ? ["guardian" as const] : []), ...(known.staffAdmin !== null ? ["staff" as const] : [])];
    // The sign-in name is freed (another school may be the person's next); it comes back if they do.
    w.peopleUpdates.push({ id: known.id, set: { endedAt: now, email: null } });
    if (known.staffAdmin !== null) w.staffDeletes.push(known.id);
    personChanges.set(known.sourceId!, { sourceId: known.sourceId!, personId: known.id, givenName: known.givenName, familyName: known.familyName, roles, protected: known.protectedIdentity, change: "ended", fields: [] });
    tallyPerson(roles, "ended");
    if (known.schoolYear !== null) affected.add(known.id);
  }
  for (const p of stored.people) names.set(p.id, { name: `${p.givenName} ${p.familyName}`, protected: p.protectedIdentity });
  for (const p of roster.people) names.set(personIds.get(p.sourceId)!, { name: `${p.givenName} ${p.familyName}`, protected: p.protectedIdentity || names.get(personIds.get(p.sourceId)!)?.protected === true });

  // Groups.
  const storedGroups = new Map(stored.groups.filter((g) => g.sourceId).map((g) => [g.sourceId!, g]));
  const groupIds = new Map<string, string>();
  const groupChanges: GroupChange[] = [];
  const groupNames = new Map(stored.groups.map((g) => [g.id, g.name]));
  for (const group of roster.groups) {
    const known = storedGroups.get(group.sourceId);
    if (!known) {
      const id = newId();
      groupIds.set(group.sourceId, id);
      groupNames.set(id, group.name);
      w.groupInserts.push({ id, schoolId, sourceId: group.sourceId, name: group.name, type: group.type, schoolYear: group.schoolYear });
      groupChanges.push({ sourceId: group.sourceId, name: group.name, type: group.type, change: "added", fields: [] });
      counts.groups.added++;
      continue;
    }
    groupIds.set(group.sourceId, known.id);
    groupNames.set(known.id, group.name);
    const fields: GroupChange["fields"] = [];
    const set: Record<string, unknown> = {};
    for (const field of ["name", "type", "schoolYear"] as const) {
      if (known[field] !== group[field]) {
        fields.push({ field, from: known[field] === null ? null : String(known[field]), to: group[field] === null ? null : String(group[field]) });
        set[field] = group[field];
      }
    }
    if (known.endedAt !== null) set.endedAt = null;
    if (Object.keys(set).length > 0) {
      w.groupUpdates.push({ id: known.id, set });
      groupChanges.push({ sourceId: group.sourceId, name: group.name, type: group.type, change: known.endedAt !== null ? "returned" : "changed", fields });
      counts.groups[known.endedAt !== null ? "added" : "changed"]++;
    }
  }
  const groupsInRoster = new Set(roster.groups.map((g) => g.sourceId));
  for (const known of storedGroups.values()) {
    if (groupsInRoster.has(known.sourceId!) || known.endedAt !== null) continue;
    w.groupUpdates.push({ id: known.id, set: { endedAt: now } });
    groupChanges.push({ sourceId: known.sourceId!, name: known.name, type: known.type, change: "ended", fields: [] });
    counts.groups.ended++;
  }

  // Relations: only between rows the import manages.
  const managedPeople = new Set(stored.people.filter((p) => p.sourceId).map((p) => p.id));
  const managedGroups = new Set(stored.groups.filter((g) => g.sourceId).map((g) => g.id));
  const personIdToSource = new Map<string, string>();
  for (const [source, id] of personIds) personIdToSource.set(id, source);
  for (const p of stored.people) if (p.sourceId && !personIdToSource.has(p.id)) personIdToSource.set(p.id, p.sourceId);
  const rosterBySource = new Map(roster.people.map((p) => [p.sourceId, p]));
  const storedById = new Map(stored.people.map((p) => [p.id, p]));
  /** Notes a relation change on a person's row ("groups: +8B −8A"). */
  const note = (personId: string, field: "groups" | "guardians" | "children" | "mentorOf" | "teaches", label: string, kind: "added" | "removed") => {
    const sourceId = personIdToSource.get(personId);
    if (!sourceId) return;
    let change = personChanges.get(sourceId);
    if (!change) {
      const person = rosterBySource.get(sourceId);
      const storedPerson = storedById.get(personId);
      const roles = person ? rolesOf(person) : [];
      change = {
        sourceId,
        personId,
        givenName: person?.givenName ?? storedPerson?.givenName ?? "",
        familyName: person?.familyName ?? storedPerson?.familyName ?? "",
        roles,
        protected: (person?.protectedIdentity ?? false) || (storedPerson?.protectedIdentity ?? false),
        change: "changed",
        fields: [],
      };
      personChanges.set(sourceId, change);
      tallyPerson(roles, "changed");
    }
    if (change.change === "ended") return;
    let entry = change.fields.find((f) => f.field === field) as Extract<FieldChange, { added: string[] }> | undefined;
    if (!entry) {
      entry = { field, added: [], removed: [] };
      change.fields.push(entry);
    }
    entry[kind].push(label);
  };
  const personLabel = (id: string) => {
    const n = names.get(id);
    return n?.protected ? MASKED_PERSON : (n?.name ?? "");
  };

  // Guardianships.
  const wantGuardianships = new Set(roster.guardianships.map(([p, g]) => `${personIds.get(p)}\n${personIds.get(g)}`));
  const haveGuardianships = new Set(stored.guardianships.filter((g) => managedPeople.has(g.pupilId) && managedPeople.has(g.guardianId)).map((g) => `${g.pupilId}\n${g.guardianId}`));
  for (const key of wantGuardianships) {
    if (haveGuardianships.has(key)) continue;
    const [pupilId, guardianId] = key.split("\n") as [string, string];
    w.guardianshipInserts.push({ pupilId, guardianId });
    counts.guardianships.added++;
    affected.add(pupilId);
    note(pupilId, "guardians", personLabel(guardianId), "added");
    note(guardianId, "children", personLabel(pupilId), "added");
  }
  for (const key of haveGuardianships) {
    if (wantGuardianships.has(key)) continue;
    const [pupilId, guardianId] = key.split("\n") as [string, string];
    w.guardianshipDeletes.push({ pupilId, guardianId });
    counts.guardianships.ended++;
    affected.add(pupilId);
    note(pupilId, "guardians", personLabel(guardianId), "removed");
    note(guardianId, "children", personLabel(pupilId), "removed");
  }

  // Group members; a change of members, mentors or duties changes who may see each member's plan.
  const membersAfter = new Map<string, Set<string>>();
  const membersBefore = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, group: string, pupil: string) => map.set(group, (map.get(group) ?? new Set()).add(pupil));
  for (const m of stored.memberships) add(membersBefore, m.groupId, m.pupilId);
  const wantMemberships = new Set(roster.memberships.map(([g, p]) => `${groupIds.get(g)}\n${personIds.get(p)}`));
  for (const key of wantMemberships) {
    const [groupId, pupilId] = key.split("\n") as [string, string];
    add(membersAfter, groupId, pupilId);
  }
  const haveMemberships = new Set(stored.memberships.filter((m) => managedGroups.has(m.groupId) && managedPeople.has(m.pupilId)).map((m) => `${m.groupId}\n${m.pupilId}`));
  for (const key of wantMemberships) {
    if (haveMemberships.has(key)) continue;
    const [groupId, pupilId] = key.split("\n") as [string, string];
    w.membershipInserts.push({ groupId, pupilId });
    counts.memberships.added++;
    affected.add(pupilId);
    note(pupilId, "groups", groupNames.get(groupId) ?? "", "added");
  }
  for (const key of haveMemberships) {
    if (wantMemberships.has(key)) continue;
    const [groupId, pupilId] = key.split("\n") as [string, string];
    w.membershipDeletes.push({ groupId, pupilId });
    counts.memberships.ended++;
    affected.add(pupilId);
    note(pupilId, "groups", groupNames.get(groupId) ?? "", "removed");
  }
  const touchGroup = (groupId: string) => {
    for (const id of membersBefore.get(groupId) ?? []) affected.add(id);
    for (const id of membersAfter.get(groupId) ?? []) affected.add(id);
  };

  // Mentorships. A staff role that ends takes every mentorship and duty with it.
  const staffEnding = new Set(w.staffDeletes);
  const wantMentorships = new Set(roster.mentorships.map(([g, m]) => `${groupIds.get(g)}\n${personIds.get(m)}`));
  const haveMentorships = new Set(stored.mentorships.filter((m) => (managedGroups.has(m.groupId) && managedPeople.has(m.mentorId)) || staffEnding.has(m.mentorId)).map((m) => `${m.groupId}\n${m.mentorId}`));
  for (const key of wantMentorships) {
    if (haveMentorships.has(key)) continue;
    const [groupId, mentorId] = key.split("\n") as [string, string];
    w.mentorshipInserts.push({ groupId, mentorId });
    counts.mentorships.added++;
    touchGroup(groupId);
    note(mentorId, "mentorOf", groupNames.get(groupId) ?? "", "added");
  }
  for (const key of haveMentorships) {
    if (wantMentorships.has(key)) continue;
    const [groupId, mentorId] = key.split("\n") as [string, string];
    w.mentorshipDeletes.push({ groupId, mentorId });
    counts.mentorships.ended++;
    touchGroup(groupId);
    note(mentorId, "mentorOf", groupNames.get(groupId) ?? "", "removed");
  }

  // Teaching duties, in the terms the roster speaks for (and all of a teacher's who leaves).
  const coveredTerms = new Set(roster.terms.map((t) => termIds.get(termKey(t))!));
  const subjectCodes = new Map<string, string>([...stored.subjects.map((s) => [s.id, s.code] as const), ...w.subjectInserts.map((s) => [s.id!, s.code] as const)]);
  const termNames = new Map<string, string>([...stored.terms.map((t) => [t.id, termKey(t)] as const), ...w.termInserts.map((t) => [t.id!, `${t.kind}${t.year}`] as const)]);
  const dutyLabel = (d: { termId: string; subjectId: string; groupId: string }) => `${subjectCodes.get(d.subjectId)} ${groupNames.get(d.groupId)} ${termNames.get(d.termId)}`;
  const dutyKey = (d: { termId: string; subjectId: string; groupId: string; teacherId: string }) => `${d.termId}\n${d.subjectId}\n${d.groupId}\n${d.teacherId}`;
  const want = new Map<string, { termId: string; subjectId: string; groupId: string; teacherId: string; sourceId: string }>();
  for (const d of roster.duties) {
    const row = { termId: termIds.get(d.term)!, subjectId: subjectIds.get(d.subject)!, groupId: groupIds.get(d.group)!, teacherId: personIds.get(d.teacher)!, sourceId: d.sourceId };
    if (!row.termId || !row.subjectId || !row.groupId || !row.teacherId) continue;
    want.set(dutyKey(row), row);
  }
  const have = new Map(
    stored.duties
      .filter((d) => (coveredTerms.has(d.termId) && managedGroups.has(d.groupId) && managedPeople.has(d.teacherId)) || staffEnding.has(d.teacherId))
      .map((d) => [dutyKey(d), d]),
  );
  for (const [key, row] of want) {
    const known = have.get(key);
    if (known) {
      if (known.sourceId !== row.sourceId) w.dutyUpdates.push({ id: known.id, sourceId: row.sourceId });
      continue;
    }
    w.dutyInserts.push({ id: newId(), ...row });
    counts.duties.added++;
    touchGroup(row.groupId);
    note(row.teacherId, "teaches", dutyLabel(row), "added");
  }
  for (const [key, known] of have) {
    if (want.has(key)) continue;
    w.dutyDeletes.push(known.id);
    counts.duties.ended++;
    touchGroup(known.groupId);
    note(known.teacherId, "teaches", dutyLabel(known), "removed");
  }

  // Households nobody lives in after the import.
  const livedIn = new Set<string>();
  const updatedHousehold = new Map<string, string | null>();
  for (const u of w.peopleUpdates) if ("householdId" in u.set) updatedHousehold.set(u.id, (u.set.householdId as string | null) ?? null);
  for (const p of stored.people) {
    const household = updatedHousehold.has(p.id) ? updatedHousehold.get(p.id)! : p.householdId;
    if (household) livedIn.add(household);
  }
  for (const p of w.peopleInserts) if (p.householdId) livedIn.add(p.householdId);
  for (const h of stored.households) if (h.sourceId && !livedIn.has(h.id)) w.householdDeletes.push(h.id);

  const sortedPeople = [...personChanges.values()].sort(
    (a, b) => Number(a.protected) - Number(b.protected) || a.familyName.localeCompare(b.familyName, "sv") || a.givenName.localeCompare(b.givenName, "sv") || a.sourceId.localeCompare(b.sourceId),
  );
  for (const change of sortedPeople) for (const f of change.fields) if ("added" in f) (f.added.sort(), f.removed.sort());
  const empty = Object.values(w).every((v) => (Array.isArray(v) ? v.length === 0 : v === null));
  const changes: ImportChanges = {
    school: { name: roster.school.name, bindsSource: school !== null && !school.sourceId, renamed: school && school.name !== roster.school.name && roster.school.name ? { from: school.name, to: roster.school.name } : null, created: school === null },
    counts,
    people: sortedPeople,
    groups: groupChanges.sort((a, b) => a.name.localeCompare(b.name, "sv")),
    terms: termChanges,
    subjects: subjectChanges,
    warnings,
    problems,
    empty,
  };
  const fingerprint = createHash("sha256").update(JSON.stringify({ ...changes, people: changes.people.map(({ personId: _personId, ...p }) => p) })).digest("base64url");
  const pupilIds = new Set([...stored.people.filter((p) => p.schoolYear !== null).map((p) => p.id), ...w.pupilInserts.map((p) => p.personId)]);
  return { changes, writes: w, affectedPupilIds: [...affected].filter((id) => pupilIds.has(id)), fingerprint };
}

/**
 * Two people of the source with the same e-mail address (or external id) get neither: a sign-in
 * name that fits two people must not pick one. An address already used at another school in this
 * installation is left out too. Both are listed as warnings.
 */
function dedupeSignInNames(people: RosterPerson[], heldElsewhere: Set<string>, warnings: RosterProblem[]) {
  for (const field of ["email", "externalId"] as const) {
    const seen = new Map<string, number>();
    for (const p of people) if (p[field]) seen.set(p[field]!, (seen.get(p[field]!) ?? 0) + 1);
    for (const p of people) {
      const value = p[field];
      if (!value) continue;
      if (seen.get(value)! > 1) {
        warnings.push({ where: `persons/${p.sourceId}`, problem: field === "email" ? "sharedEmail" : "sharedExternalId" });
        p[field] = null;
      } else if (field === "email" && heldElsewhere.has(value)) {
        warnings.push({ where: `persons/${p.sourceId}`, problem: "emailElsewhere" });
        p[field] = null;
      }
    }
  }
}
