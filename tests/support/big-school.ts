import type { Activity, Duty, Group, Organisation, Person, Ss12000Data, Syllabus } from "../../app/services/roster-import/ss12000-model";
import { asciiFold, createRandom, uuidMaker } from "../../db/seed/demo-school-data";
import { adultMensNames, adultWomensNames, boysNames, familyNames, girlsNames } from "../../db/seed/names";

/**
 * A whole school as SS12000 data, made deterministically from a seed: pupils in classes of 25
 * (years 1–9), each class with two mentor groups and a teaching group per subject, families of one
 * or two guardians (about 1.8 per pupil, some with two children at the school), staff who teach
 * and mentor, an admin and a head teacher, and a few people with protected identity. For the
 * import tests and `npm run bench:import`.
 */
export interface BigSchoolOptions {
  pupils: number;
  staff: number;
  seed?: number;
  /** The school year's first calendar year (terms HT startYear, VT startYear + 1). */
  startYear: number;
}

const subjects = [
  ["SV", "Svenska"],
  ["MA", "Matematik"],
  ["EN", "Engelska"],
  ["BI", "Biologi"],
  ["FY", "Fysik"],
  ["GE", "Geografi"],
  ["HI", "Historia"],
  ["BL", "Bild"],
  ["MU", "Musik"],
  ["IDH", "Idrott och hälsa"],
] as const;

export interface BigSchool {
  data: Ss12000Data;
  unit: Organisation;
  /** Ids handy for tests: classes by name, the activities of each teaching group. */
  classes: Map<string, Group>;
}

export function bigSchool(options: BigSchoolOptions): BigSchool {
  const random = createRandom(options.seed ?? 4711);
  const uuid = uuidMaker((options.seed ?? 4711) + 1);
  const { startYear } = options;
  const yearStart = `${startYear}-07-01`;
  const yearEnd = `${startYear + 1}-06-30`;
  const terms = [
    { startDate: `${startYear}-08-18`, endDate: `${startYear}-12-19`, label: "HT" },
    { startDate: `${startYear + 1}-01-09`, endDate: `${startYear + 1}-06-12`, label: "VT" },
  ];
  const owner: Organisation = { id: uuid(), displayName: "Storstad", organisationType: "Huvudman" };
  const unit: Organisation = { id: uuid(), displayName: "Storskolan", organisationType: "Skolenhet", schoolUnitCode: "88880001", parentOrganisation: { id: owner.id } };
  const persons: Person[] = [];
  const groups: Group[] = [];
  const duties: Duty[] = [];
  const activities: Activity[] = [];
  const syllabuses: Syllabus[] = subjects.map(([code, name]) => ({ id: uuid(), schoolType: "GR", subjectCode: `GRGR${code}01`, subjectName: name, subjectDesignation: code, official: true }));
  const emails = new Set<string>();
  const email = (given: string, family: string, domain: string) => {
    let candidate = `${asciiFold(given)}.${asciiFold(family)}@${domain}`;
    for (let n = 2; emails.has(candidate); n++) candidate = `${asciiFold(given)}.${asciiFold(family)}${n}@${domain}`;
    emails.add(candidate);
    return candidate;
  };
  const pad = (n: number) => String(n).padStart(2, "0");
  const person = (given: string, family: string, mail: string, type: string, extra: Partial<Person> = {}): Person => {
    const p: Person = {
      id: uuid(),
      givenName: given,
      familyName: family,
      securityMarking: random.next() < 0.01 ? "Skyddad folkbokföring" : "Ingen",
      emails: [{ value: mail, type }],
      externalIdentifiers: [{ value: `u-${persons.length + 1}`, context: "https://idp.storstad.example/id", globallyUnique: true }],
      ...extra,
    };
    persons.push(p);
    return p;
  };

  // Staff: an admin, a head teacher and teachers.
  const staffDuty = (p: Person, dutyRole: string): Duty => {
    const d: Duty = { id: uuid(), person: { id: p.id }, dutyAt: { id: unit.id }, dutyRole, startDate: yearStart, assignmentRole: [] };
    duties.push(d);
    return d;
  };
  staffDuty(person("Administratör", "Skolsson", "admin@storskolan.example", "Skola personal"), "Skoladministratör");
  staffDuty(person("Rektor", "Ledarsson", "rektor@storskolan.example", "Skola personal"), "Rektor");
  const teachers: Duty[] = [];
  for (let i = 0; i < options.staff - 2; i++) {
    const given = random.next() < 0.5 ? random.pick(adultWomensNames) : random.pick(adultMensNames);
    const family = random.pick(familyNames);
    teachers.push(staffDuty(person(given, family, email(given, family, "storskolan.example"), "Skola personal"), "Lärare"));
  }

  // Classes, mentor groups and teaching groups.
  const classCount = Math.ceil(options.pupils / 25);
  const classes = new Map<string, Group>();
  const group = (displayName: string, groupType: string): Group => {
    const g: Group = { id: uuid(), displayName, groupType, startDate: yearStart, endDate: yearEnd, organisation: { id: unit.id }, groupMemberships: [] };
    groups.push(g);
    return g;
  };
  const classInfo: Array<{ year: number; cls: Group; mentors: Group[]; teaching: Group[] }> = [];
  let teacherTurn = 0;
  for (let c = 0; c < classCount; c++) {
    const year = 1 + (c % 9);
    const name = `${year}${String.fromCharCode(65 + Math.floor(c / 9))}`;
    const cls = group(name, "Klass");
    classes.set(name, cls);
    const mentors = [1, 2].map((n) => {
      const g = group(`${name} mentorsgrupp ${n}`, "Mentor");
      const mentor = teachers[teacherTurn++ % teachers.length]!;
      mentor.assignmentRole!.push({ group: { id: g.id }, assignmentRoleType: "Mentor", startDate: yearStart });
      return g;
    });
    const teaching = subjects.map(([code, subjectName], s) => {
      const g = group(`${name} ${subjectName}`, "Undervisning");
      const teacher = teachers[teacherTurn++ % teachers.length]!;
      for (const term of terms) {
        activities.push({
          id: uuid(),
          displayName: `${name} ${code} ${term.label}`,
          activityType: "Undervisning",
          startDate: term.startDate,
          endDate: term.endDate,
          organisation: { id: unit.id },
          groups: [{ id: g.id }],
          teachers: [{ duty: { id: teacher.id } }],
          syllabus: { id: syllabuses[s]!.id },
        });
      }
      return g;
    });
    classInfo.push({ year, cls, mentors, teaching });
  }

  // Families and pupils.
  let placed = 0;
  let street = 0;
  const member = (g: Group, p: Person) => g.groupMemberships!.push({ person: { id: p.id }, startDate: yearStart });
  const addPupil = (family: string, guardians: Person[], address: Person["addresses"]) => {
    const info = classInfo[placed % classInfo.length]!;
    placed++;
    const given = random.next() < 0.5 ? random.pick(girlsNames) : random.pick(boysNames);
    const pupil = person(given, family, email(given, family, "elev.storskolan.example"), "Skola elev", {
      birthDate: `${startYear - info.year - 6}-${pad(1 + Math.floor(random.next() * 12))}-${pad(1 + Math.floor(random.next() * 28))}`,
      addresses: address,
      enrolments: [{ enroledAt: { id: unit.id }, schoolType: "GR", schoolYear: info.year, startDate: yearStart }],
      responsibles: guardians.map((g) => ({ person: { id: g.id }, relationType: "Vårdnadshavare" })),
    });
    member(info.cls, pupil);
    member(info.mentors[placed % 2]!, pupil);
    for (const g of info.teaching) member(g, pupil);
  };
  while (placed < options.pupils) {
    const family = random.pick(familyNames);
    const address = [{ type: "Folkbokföring", streetAddress: `Storgatan ${++street}`, postalCode: "888 01", locality: "Storstad" }];
    const guardianCount = random.next() < 0.9 ? 2 : 1;
    const guardians = Array.from({ length: guardianCount }, (_, i) => {
      const given = i === 0 ? random.pick(adultWomensNames) : random.pick(adultMensNames);
      return person(given, family, email(given, family, "hem.storstad.example"), "Privat", { birthDate: `${1975 + Math.floor(random.next() * 15)}-0${1 + Math.floor(random.next() * 9)}-1${Math.floor(random.next() * 9)}`, addresses: address });
    });
    const children = random.next() < 0.05 && placed + 1 < options.pupils ? 2 : 1;
    for (let k = 0; k < children; k++) addPupil(family, guardians, address);
  }
  return { data: { organisations: [owner, unit], persons, groups, duties, activities, syllabuses }, unit, classes };
}

/** The data as one file of the SS12000 API's shape (as an admin would upload it). */
export function asUploadFile(data: Ss12000Data): string {
  return JSON.stringify(Object.fromEntries(Object.entries(data).map(([name, items]) => [name, { data: items, pageToken: null }])));
}
