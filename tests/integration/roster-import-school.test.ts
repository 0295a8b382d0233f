import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "../../db/client";
import { importRosterNow } from "../../app/services/roster-import/import.server";
import { getOrCreatePlan } from "../../db/queries/plans";
import { mapSs12000 } from "../../app/services/roster-import/ss12000-map.server";
import type { Ss12000Data } from "../../app/services/roster-import/ss12000-model";
import { bigSchool } from "../support/big-school";

/**
 * A whole school (600 pupils, their guardians, 60 staff) imported through the roster import into
 * a real SQLite file: the first import, the same data again (nothing written), and a change set
 * that produces exactly its changes.
 */

const today = "2026-10-05";
const context = "https://idp.storstad.example/id";
const school = bigSchool({ pupils: 600, staff: 60, startYear: 2026 });
let folder: string;
let db: AppDatabase;
let schoolId: string;

const rosterOf = (data: Ss12000Data) => {
  const mapped = mapSs12000(data, { schoolUnitId: null, today, externalIdContext: context });
  if (!mapped.ok) throw new Error(JSON.stringify(mapped.problems));
  return mapped.roster;
};
const count = (sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;
/** Every roster table, row by row, to see that nothing at all moved. */
const dump = () =>
  ["schools", "terms", "subjects", "households", "people", "pupils", "staff", "guardianships", "groups", "group_members", "mentorships", "teaching_duties"].map((table) =>
    JSON.stringify(db.$client.prepare(`select * from ${table} order by 1, 2`).all()),
  );
const totalChanges = () => (db.$client.prepare("select total_changes() as n").get() as { n: number }).n;
const personNamed = (p: { givenName: string; familyName: string; id: string }) => db.$client.prepare("select id, ended_at, email, protected_identity from people where source_id = ?").get(p.id) as { id: string; ended_at: number | null; email: string | null; protected_identity: number };

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "iup-import-"));
  db = await openDatabase(join(folder, "school.sqlite"));
});
afterAll(() => {
  db?.$client.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("importing a whole school", () => {
  it("brings in every pupil, guardian, member of staff, group, membership and duty", () => {
    const roster = rosterOf(school.data);
    const result = importRosterNow(db, { roster, source: "ss12000-file", now: new Date(`${today}T08:00:00Z`) });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    schoolId = result.schoolId;
    const guardians = new Set(school.data.persons.flatMap((p) => (p.responsibles ?? []).map((r) => r.person.id)));
    const marked = school.data.persons.filter((p) => p.securityMarking !== "Ingen").length;
    expect(result.changes.counts.pupils.added).toBe(600);
    expect(result.changes.counts.guardians.added).toBe(guardians.size);
    expect(result.changes.counts.staff.added).toBe(60);
    expect(guardians.size).toBeGreaterThan(1000);
    expect(count("select count(*) n from pupils")).toBe(600);
    expect(count("select count(*) n from staff")).toBe(60);
    expect(count("select count(*) n from staff where is_admin = 1")).toBe(2);
    expect(count("select count(*) n from people")).toBe(600 + 60 + guardians.size);
    expect(count("select count(*) n from guardianships")).toBe(school.data.persons.reduce((n, p) => n + (p.responsibles?.length ?? 0), 0));
    // Class, mentor group and ten teaching groups per pupil; ten subjects a class, in two terms.
    expect(count("select count(*) n from group_members")).toBe(600 * 12);
    expect(count("select count(*) n from teaching_duties")).toBe(school.classes.size * 10 * 2);
    expect(count("select count(*) n from mentorships")).toBe(school.classes.size * 2);
    expect(count("select count(*) n from terms")).toBe(2);
    expect(count("select count(*) n from people where protected_identity = 1")).toBe(marked);
    // Ids from the source are kept: every imported row carries its source id; the sign-in id comes from the configured context.
    expect(count("select count(*) n from people where source_id is null or external_id is null")).toBe(0);
    expect(count("select count(*) n from groups where source_id is null")).toBe(0);
    expect(count("select count(*) n from people where email is null")).toBe(0);
    expect(result.writes).toBeGreaterThan(10_000);
  });

  it("writes nothing when the same data comes again", () => {
    const before = dump();
    const changesBefore = totalChanges();
    const result = importRosterNow(db, { roster: rosterOf(structuredClone(school.data)), source: "ss12000-file", dryRun: true });
    if (!result.ok) throw new Error("refused");
    expect(result.changes.empty).toBe(true);
    expect(result.changes.people).toEqual([]);
    // Applied for real: no roster row is written (the run itself is recorded, outside the roster).
    const applied = importRosterNow(db, { roster: rosterOf(structuredClone(school.data)), source: "ss12000-file" });
    if (!applied.ok) throw new Error("refused");
    expect(applied.writes).toBe(0);
    expect(totalChanges() - changesBefore).toBe(1);
    expect(dump()).toEqual(before);
  });

  it("changes exactly what the change set changes: a pupil's class, a custody, a marking, a teacher's group", () => {
    const data = structuredClone(school.data);
    const byId = new Map(data.persons.map((p) => [p.id, p]));
    const classes = [...school.classes.values()].map((c) => data.groups.find((g) => g.id === c.id)!);
    // A pupil moves from the first class to the second (same year group is not needed for the roster).
    const [from, to] = [classes[0]!, classes[9]!];
    const mover = byId.get(from.groupMemberships![0]!.person.id)!;
    from.groupMemberships = from.groupMemberships!.filter((m) => m.person.id !== mover.id);
    to.groupMemberships!.push({ person: { id: mover.id }, startDate: "2026-07-01" });
    // A guardian's custody ends: a pupil with two guardians, one of whom has no other child here.
    const custodyPupil = data.persons.find(
      (p) => p.id !== mover.id && p.responsibles?.length === 2 && data.persons.filter((q) => q.responsibles?.some((r) => r.person.id === p.responsibles![1]!.person.id)).length === 1,
    )!;
    const leaving = byId.get(custodyPupil.responsibles![1]!.person.id)!;
    custodyPupil.responsibles = custodyPupil.responsibles!.slice(0, 1);
    // A new protection marking, in a value the importer does not know: it fails closed.
    const marked = data.persons.find((p) => p.enrolments && p.securityMarking === "Ingen" && p !== mover && p !== custodyPupil)!;
    marked.securityMarking = "Skyddad (ny kod)";
    // A teacher leaves one group: taken off both terms' activities of it.
    const teachingGroup = data.groups.find((g) => g.groupType === "Undervisning" && g.displayName === `${classes[3]!.displayName} Matematik`)!;
    const activitiesOfGroup = data.activities.filter((a) => a.groups.some((g) => g.id === teachingGroup.id));
    const teacherDuty = data.duties.find((d) => d.id === activitiesOfGroup[0]!.teachers![0]!.duty.id)!;
    const teacher = byId.get(teacherDuty.person!.id)!;
    for (const activity of activitiesOfGroup) activity.teachers = [];

    const changesBefore = totalChanges();
    const result = importRosterNow(db, { roster: rosterOf(data), source: "ss12000-file", now: new Date(`${today}T09:00:00Z`) });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const zero = { added: 0, changed: 0, ended: 0 };
    expect(result.changes.counts).toEqual({
      pupils: { ...zero, changed: 3 },
      guardians: { ...zero, ended: 1 },
      staff: { ...zero, changed: 1 },
      groups: zero,
      memberships: { ...zero, added: 1, ended: 1 },
      guardianships: { ...zero, ended: 1 },
      mentorships: zero,
      duties: { ...zero, ended: 2 },
      subjects: zero,
      terms: zero,
    });
    const people = Object.fromEntries(result.changes.people.map((p) => [p.sourceId, { change: p.change, fields: p.fields }]));
    expect(Object.keys(people).sort()).toEqual([mover.id, custodyPupil.id, leaving.id, marked.id, teacher.id].sort());
    expect(people[mover.id]).toEqual({ change: "changed", fields: [{ field: "groups", added: [to.displayName], removed: [from.displayName] }] });
    expect(people[custodyPupil.id]!.fields).toEqual([{ field: "guardians", added: [], removed: [`${leaving.givenName} ${leaving.familyName}`] }]);
    expect(people[leaving.id]).toEqual({ change: "ended", fields: [] });
    expect(people[marked.id]!.fields).toEqual([{ field: "protectedIdentity", from: "false", to: "true" }]);
    expect(people[teacher.id]!.fields).toEqual([{ field: "teaches", added: [], removed: [`MA ${teachingGroup.displayName} HT2026`, `MA ${teachingGroup.displayName} VT2027`] }]);

    // Exactly these rows: two memberships, a custody, the guardian ended, the marking, two duties (and the run).
    expect(result.writes).toBe(7);
    expect(totalChanges() - changesBefore).toBe(8);
    expect(personNamed(leaving).ended_at).not.toBeNull();
    expect(personNamed(leaving).email).toBeNull();
    expect(personNamed(marked).protected_identity).toBe(1);
    // Whose plans change hands: the mover, the custody pupil, the marked pupil and every pupil of the group the teacher left.
    const groupPupils = teachingGroup.groupMemberships!.map((m) => personNamed(byId.get(m.person.id)!).id);
    expect(new Set(result.affectedPupilIds)).toEqual(new Set([personNamed(mover).id, personNamed(custodyPupil).id, personNamed(marked).id, ...groupPupils]));

    // And the same change set again writes nothing.
    const again = importRosterNow(db, { roster: rosterOf(structuredClone(data)), source: "ss12000-file" });
    expect(again.ok && again.writes).toBe(0);
  });

  it("brings a returning guardian back as the same person, and keeps a renamed pupil's id", () => {
    const data = structuredClone(school.data);
    const pupil = data.persons.find((p) => p.enrolments)!;
    const before = personNamed(pupil).id;
    pupil.familyName = "Nyttnamn";
    const result = importRosterNow(db, { roster: rosterOf(data), source: "ss12000-file" });
    if (!result.ok) throw new Error("refused");
    expect(personNamed(pupil).id).toBe(before);
    expect(result.changes.people.find((p) => p.sourceId === pupil.id)?.fields).toContainEqual({ field: "familyName", from: school.data.persons.find((p) => p.id === pupil.id)!.familyName, to: "Nyttnamn" });
    // The guardian ended in the change set is back (with the original data), as the same row.
    expect(result.changes.counts.guardians.added).toBe(1);
    expect(result.changes.people.some((p) => p.change === "returned")).toBe(true);
    expect(count("select count(*) n from people where ended_at is not null")).toBe(0);
  });

  it("ends a pupil who moves school: her memberships and custody end, her plan and the pupil row stay", () => {
    const data = structuredClone(school.data);
    const leaver = data.persons.find((p) => p.enrolments && p.responsibles?.length === 2 && p.securityMarking === "Ingen")!;
    const row = personNamed(leaver);
    const termId = (db.$client.prepare("select id from terms order by starts_on limit 1").get() as { id: string }).id;
    const plan = getOrCreatePlan(db, row.id, termId);
    leaver.enrolments = [];
    const result = importRosterNow(db, { roster: rosterOf(data), source: "ss12000-file" });
    if (!result.ok) throw new Error("refused");
    expect(result.changes.counts.pupils.ended).toBe(1);
    expect(result.changes.counts.memberships.ended).toBe(12);
    expect(result.changes.counts.guardianships.ended).toBe(2);
    expect(result.affectedPupilIds).toContain(row.id);
    expect(personNamed(leaver).ended_at).not.toBeNull();
    expect(count(`select count(*) n from group_members where pupil_id = '${row.id}'`)).toBe(0);
    expect(count(`select count(*) n from guardianships where pupil_id = '${row.id}'`)).toBe(0);
    expect(count(`select count(*) n from pupils where person_id = '${row.id}'`)).toBe(1);
    expect(count(`select count(*) n from plans where id = '${plan.id}'`)).toBe(1);
    // She comes back: the same person, her plan still hers.
    const back = importRosterNow(db, { roster: rosterOf(structuredClone(school.data)), source: "ss12000-file" });
    expect(back.ok && back.changes.counts.pupils.added).toBe(1);
    expect(personNamed(leaver)).toMatchObject({ id: row.id, ended_at: null });
  });

  it("leaves rows made before the importer alone, and does not hand their e-mail address to anyone", () => {
    const data = structuredClone(school.data);
    const pupil = data.persons.find((p) => p.enrolments && p.securityMarking === "Ingen")!;
    db.$client.prepare("insert into people (id, school_id, given_name, family_name, email) values ('old-1', ?, 'Gammal', 'Rad', 'gammal@skolan.example')").run(schoolId);
    pupil.emails = [{ value: "gammal@skolan.example", type: "Skola elev" }];
    const result = importRosterNow(db, { roster: rosterOf(data), source: "ss12000-file" });
    if (!result.ok) throw new Error("refused");
    expect(result.changes.warnings.map((w) => w.problem)).toContain("emailElsewhere");
    expect(personNamed(pupil).email).toBeNull();
    expect(db.$client.prepare("select ended_at, email from people where id = 'old-1'").get()).toEqual({ ended_at: null, email: "gammal@skolan.example" });
    db.$client.prepare("delete from people where id = 'old-1'").run();
    expect(importRosterNow(db, { roster: rosterOf(structuredClone(school.data)), source: "ss12000-file" }).ok).toBe(true);
  });

  it("refuses a roster that would leave the school without an admin, and changes nothing", () => {
    const data = structuredClone(school.data);
    data.duties = data.duties.filter((d) => d.dutyRole === "Lärare");
    const before = dump();
    const result = importRosterNow(db, { roster: rosterOf(data), source: "ss12000-file" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.problem)).toEqual(["noAdmin"]);
    expect(dump()).toEqual(before);
    expect(schoolId).toBeTruthy();
  });
});
