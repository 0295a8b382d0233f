import { hash } from "@node-rs/argon2";
import { count } from "drizzle-orm";
import type { AppDatabase } from "../client";
import { newId } from "../ids";
import { schoolYearStartYear, stockholmToday } from "../school-calendar";
import {
  credentials,
  groupMembers,
  groups,
  guardianships,
  households,
  mentorships,
  people,
  pupils,
  schools,
  staff,
  subjects,
  teachingDuties,
  terms,
} from "../schema";
import { adultMensNames, adultWomensNames, boysNames, familyNames, girlsNames } from "./names";

/** The password of every demo account. Printed in the README; never used outside the demo. */
export const DEMO_PASSWORD = "demo";

/** The accounts the README lists, one per role. */
export const demoAccounts = {
  pupil: "elev@demo.test",
  guardian: "vh@demo.test",
  otherHouseholdGuardian: "vh2@demo.test",
  mentor: "mentor@demo.test",
  mathsTeacher: "matte@demo.test",
  swedishTeacher: "svenska@demo.test",
  otherClassGuardian: "annan.vh@demo.test",
  admin: "admin@demo.test",
  /** Wilma's other guardian: Johan Berg has children in two families (Alva and Elis with Sara, Wilma with Lisa). */
  blendedFamilyGuardian: "vh3@demo.test",
  /** Mikael Lund teaches 8A and is the guardian of Ella Lund in 8A. */
  guardianWhoTeaches: "lund@demo.test",
  /** Adam Noor in 9A is 18 and has not let his guardians read his plan. */
  adultPupil: "myndig@demo.test",
  adultPupilGuardian: "myndig.vh@demo.test",
  /** Nora Karlsson and her guardian Amina have protected identity (skyddade personuppgifter). */
  protectedPupil: "skyddad@demo.test",
  protectedGuardian: "skyddad.vh@demo.test",
  /** The admin of a second school in the municipality, who must see nothing of Solbackeskolan. */
  otherSchoolAdmin: "admin2@demo.test",
} as const;

/** Skolverket's subject codes for compulsory school, years 6–9. */
const subjectCatalogue = [
  { code: "SV", nameSv: "Svenska", nameEn: "Swedish" },
  { code: "SVA", nameSv: "Svenska som andraspråk", nameEn: "Swedish as a second language" },
  { code: "MA", nameSv: "Matematik", nameEn: "Mathematics" },
  { code: "EN", nameSv: "Engelska", nameEn: "English" },
  { code: "M2", languageCode: "es", nameSv: "Moderna språk, spanska", nameEn: "Modern languages, Spanish" },
  { code: "M2", languageCode: "de", nameSv: "Moderna språk, tyska", nameEn: "Modern languages, German" },
  { code: "BI", nameSv: "Biologi", nameEn: "Biology" },
  { code: "FY", nameSv: "Fysik", nameEn: "Physics" },
  { code: "KE", nameSv: "Kemi", nameEn: "Chemistry" },
  { code: "TK", nameSv: "Teknik", nameEn: "Technology" },
  { code: "GE", nameSv: "Geografi", nameEn: "Geography" },
  { code: "HI", nameSv: "Historia", nameEn: "History" },
  { code: "RE", nameSv: "Religionskunskap", nameEn: "Religious education" },
  { code: "SH", nameSv: "Samhällskunskap", nameEn: "Civics" },
  { code: "BL", nameSv: "Bild", nameEn: "Art" },
  { code: "MU", nameSv: "Musik", nameEn: "Music" },
  { code: "SL", nameSv: "Slöjd", nameEn: "Crafts" },
  { code: "HKK", nameSv: "Hem- och konsumentkunskap", nameEn: "Home and consumer studies" },
  { code: "IDH", nameSv: "Idrott och hälsa", nameEn: "Physical education and health" },
] as const;

type SubjectKey = "SV" | "SVA" | "MA" | "EN" | "M2-es" | "M2-de" | "BI" | "FY" | "KE" | "TK" |
  "GE" | "HI" | "RE" | "SH" | "BL" | "MU" | "SL" | "HKK" | "IDH";

const classNames = ["6A", "7A", "8A", "8B", "9A"] as const;
type ClassName = (typeof classNames)[number];
const pupilsPerClass = 24;

interface TeacherSpec {
  given: string;
  family: string;
  email?: string;
  /** Subjects taught, each to the listed classes (language and SVA groups follow the classes' years). */
  teaches: Array<[SubjectKey, ClassName[]]>;
  mentorOf?: ClassName;
}

const allClasses: ClassName[] = [...classNames];

const teacherSpecs: TeacherSpec[] = [
  { given: "Karin", family: "Holm", email: demoAccounts.mathsTeacher, mentorOf: "8A",
    teaches: [["MA", ["8A", "8B", "9A"]]] },
  { given: "Erik", family: "Sandberg", email: demoAccounts.swedishTeacher, mentorOf: "9A",
    teaches: [["SV", ["7A", "8A", "8B"]], ["SVA", ["8A", "8B"]]] },
  { given: "Jonas", family: "Ek", email: demoAccounts.mentor, mentorOf: "8A",
    teaches: [["SH", ["8A", "8B", "9A"]], ["HI", ["8A", "8B", "9A"]], ["GE", ["8A", "8B"]], ["RE", ["8A", "8B"]]] },
  { given: "Anna", family: "Nyström", mentorOf: "8B", teaches: [["EN", allClasses]] },
  { given: "Mikael", family: "Lund", email: demoAccounts.guardianWhoTeaches, mentorOf: "8B",
    teaches: [["BI", ["8A", "8B", "9A"]], ["FY", ["8A", "8B", "9A"]], ["KE", ["8A", "8B", "9A"]]] },
  { given: "Sofia", family: "Wikström", mentorOf: "6A",
    teaches: [["MA", ["6A", "7A"]], ["TK", allClasses]] },
  { given: "Peter", family: "Strand", mentorOf: "6A",
    teaches: [["SH", ["6A", "7A"]], ["HI", ["6A", "7A"]], ["GE", ["6A", "7A", "9A"]], ["RE", ["6A", "7A", "9A"]]] },
  { given: "Helena", family: "Forsberg", mentorOf: "7A",
    teaches: [["SV", ["6A", "9A"]], ["SVA", ["6A", "7A", "9A"]]] },
  { given: "Ulrika", family: "Berglund", mentorOf: "7A",
    teaches: [["M2-de", allClasses], ["BI", ["6A", "7A"]], ["FY", ["6A", "7A"]], ["KE", ["6A", "7A"]]] },
  { given: "Maja", family: "Björk", mentorOf: "9A", teaches: [["BL", allClasses]] },
  { given: "Oskar", family: "Dahl", teaches: [["IDH", allClasses]] },
  { given: "Lars", family: "Hedlund", teaches: [["MU", allClasses]] },
  { given: "Eva", family: "Sjöberg", teaches: [["SL", allClasses], ["HKK", allClasses]] },
  { given: "Fredrik", family: "Lindberg", teaches: [["M2-es", allClasses]] },
];

/** A small deterministic generator, so the demo school is the same on every machine. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick };
}

const asciiFold = (value: string) =>
  value
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z]/g, "");

const pad = (n: number) => String(n).padStart(2, "0");

/** Seeds a realistic year 6–9 school when the database holds no school yet. Returns whether it did. */
export async function seedDemoSchool(db: AppDatabase, today: string = stockholmToday()): Promise<boolean> {
  const [existing] = db.select({ n: count() }).from(schools).all();
  if ((existing?.n ?? 0) > 0) return false;

  const random = createRandom(20260817);
  const startYear = schoolYearStartYear(today);
  const schoolId = newId();

  const usedEmails = new Set<string>();
  const emailFor = (given: string, family: string, domain: string) => {
    const base = `${asciiFold(given)}.${asciiFold(family)}`;
    let candidate = `${base}@${domain}`;
    for (let n = 2; usedEmails.has(candidate); n++) candidate = `${base}${n}@${domain}`;
    usedEmails.add(candidate);
    return candidate;
  };

  const personRows: Array<typeof people.$inferInsert> = [];
  const householdRows: Array<typeof households.$inferInsert> = [];
  const pupilRows: Array<typeof pupils.$inferInsert> = [];
  const guardianshipRows: Array<typeof guardianships.$inferInsert> = [];
  const staffRows: Array<typeof staff.$inferInsert> = [];
  const groupRows: Array<typeof groups.$inferInsert> = [];
  const memberRows: Array<typeof groupMembers.$inferInsert> = [];
  const mentorshipRows: Array<typeof mentorships.$inferInsert> = [];
  const dutyRows: Array<typeof teachingDuties.$inferInsert> = [];
  /** People who get a password: the listed demo accounts and all staff. */
  const accountHolders: string[] = [];

  const addPerson = (p: Omit<typeof people.$inferInsert, "id" | "schoolId">) => {
    const id = newId();
    if (p.email) usedEmails.add(p.email);
    personRows.push({ id, schoolId, ...p });
    return id;
  };
  const addHousehold = () => {
    const id = newId();
    householdRows.push({ id, schoolId });
    return id;
  };

  // Terms of the current school year.
  const autumnId = newId();
  const springId = newId();
  const termRows: Array<typeof terms.$inferInsert> = [
    { id: autumnId, schoolId, kind: "HT", year: startYear, startsOn: `${startYear}-08-17`, endsOn: `${startYear}-12-22` },
    { id: springId, schoolId, kind: "VT", year: startYear + 1, startsOn: `${startYear + 1}-01-08`, endsOn: `${startYear + 1}-06-12` },
  ];

  const subjectIds = new Map<SubjectKey, string>();
  const subjectRows = subjectCatalogue.map((s, index) => {
    const id = newId();
    const languageCode = "languageCode" in s ? s.languageCode : null;
    subjectIds.set((languageCode ? `${s.code}-${languageCode}` : s.code) as SubjectKey, id);
    return { id, schoolId, code: s.code, languageCode, nameSv: s.nameSv, nameEn: s.nameEn, sortOrder: index };
  });

  // Staff.
  const adminId = addPerson({ givenName: "Lena", familyName: "Åberg", email: demoAccounts.admin });
  staffRows.push({ personId: adminId, isAdmin: true, isTeacher: false });
  accountHolders.push(adminId);
  const teacherIds = teacherSpecs.map((t) => {
    const id = addPerson({
      givenName: t.given,
      familyName: t.family,
      email: t.email ?? emailFor(t.given, t.family, "solbacken.demo.test"),
    });
    staffRows.push({ personId: id, isAdmin: false, isTeacher: true });
    accountHolders.push(id);
    return id;
  });

  // Classes and their pupils.
  const classGroupIds = new Map<ClassName, string>();
  const classPupils = new Map<ClassName, string[]>();
  for (const className of classNames) {
    const id = newId();
    groupRows.push({ id, schoolId, name: className, type: "class", schoolYear: Number(className[0]) });
    classGroupIds.set(className, id);
    classPupils.set(className, []);
  }

  const birthDate = (schoolYear: number) =>
    `${startYear - (schoolYear + 6)}-${pad(1 + Math.floor(random.next() * 12))}-${pad(1 + Math.floor(random.next() * 28))}`;
  const adultBirthDate = () =>
    `${1974 + Math.floor(random.next() * 16)}-${pad(1 + Math.floor(random.next() * 12))}-${pad(1 + Math.floor(random.next() * 28))}`;

  const addPupil = (className: ClassName, given: string, family: string, extra: Partial<typeof people.$inferInsert> = {}) => {
    const schoolYear = Number(className[0]);
    const id = addPerson({
      givenName: given,
      familyName: family,
      email: extra.email ?? emailFor(given, family, "elev.solbacken.demo.test"),
      dateOfBirth: birthDate(schoolYear),
      ...extra,
    });
    pupilRows.push({ personId: id, schoolYear });
    memberRows.push({ groupId: classGroupIds.get(className)!, pupilId: id });
    classPupils.get(className)!.push(id);
    return id;
  };
  const addGuardian = (given: string, family: string, householdId: string, extra: Partial<typeof people.$inferInsert> = {}) =>
    addPerson({
      givenName: given,
      familyName: family,
      email: extra.email ?? emailFor(given, family, "hem.demo.test"),
      dateOfBirth: adultBirthDate(),
      householdId,
      ...extra,
    });
  const link = (pupilId: string, guardianIds: string[]) => {
    for (const guardianId of guardianIds) guardianshipRows.push({ pupilId, guardianId });
  };

  // Alva, her younger brother and their two households (a split family).
  const saraHousehold = addHousehold();
  const johanHousehold = addHousehold();
  const sara = addGuardian("Sara", "Lindqvist", saraHousehold, { email: demoAccounts.guardian });
  const johan = addGuardian("Johan", "Berg", johanHousehold, { email: demoAccounts.otherHouseholdGuardian });
  const alva = addPupil("8A", "Alva", "Lindqvist", { email: demoAccounts.pupil, householdId: saraHousehold });
  const elis = addPupil("6A", "Elis", "Lindqvist", { householdId: saraHousehold });
  link(alva, [sara, johan]);
  link(elis, [sara, johan]);
  accountHolders.push(alva, sara, johan);

  // A pupil in another class whose guardian must never see anything of Alva's.
  const petraHousehold = addHousehold();
  const petra = addGuardian("Petra", "Johansson", petraHousehold, { email: demoAccounts.otherClassGuardian });
  const liam = addPupil("7A", "Liam", "Johansson", { householdId: petraHousehold });
  link(liam, [petra]);
  accountHolders.push(petra);

  // A pupil in Alva's class with protected identity (skyddade personuppgifter), and her guardian.
  const protectedHousehold = addHousehold();
  const protectedGuardian = addGuardian("Amina", "Karlsson", protectedHousehold, { protectedIdentity: true, email: demoAccounts.protectedGuardian });
  const protectedPupil = addPupil("8A", "Nora", "Karlsson", { protectedIdentity: true, householdId: protectedHousehold, email: demoAccounts.protectedPupil });
  link(protectedPupil, [protectedGuardian]);
  accountHolders.push(protectedGuardian, protectedPupil);

  // A blended family: Johan Berg is also Wilma's guardian, with Lisa Ahmadi in a third household.
  // Sara must never learn anything of Wilma, nor Lisa of Alva and Elis.
  const lisaHousehold = addHousehold();
  const lisa = addGuardian("Lisa", "Ahmadi", lisaHousehold, { email: demoAccounts.blendedFamilyGuardian });
  const wilma = addPupil("8B", "Wilma", "Berg", { householdId: lisaHousehold });
  link(wilma, [johan, lisa]);
  accountHolders.push(lisa);

  // A teacher who is also a guardian: Mikael Lund teaches Ella's class science and is her parent.
  const lundHousehold = addHousehold();
  const ella = addPupil("8A", "Ella", "Lund", { householdId: lundHousehold });
  link(ella, [teacherIds[teacherSpecs.findIndex((t) => t.email === demoAccounts.guardianWhoTeaches)]!]);

  // A pupil of 18 who decides about his own plan and has not let his guardian read it.
  const noorHousehold = addHousehold();
  const hodan = addGuardian("Hodan", "Noor", noorHousehold, { email: demoAccounts.adultPupilGuardian });
  const adam = addPupil("9A", "Adam", "Noor", {
    householdId: noorHousehold,
    email: demoAccounts.adultPupil,
    dateOfBirth: `${Number(today.slice(0, 4)) - 19}-03-14`,
  });
  link(adam, [hodan]);
  accountHolders.push(adam, hodan);

  const pupilFullNames = new Set(["Alva Lindqvist", "Elis Lindqvist", "Liam Johansson", "Nora Karlsson", "Wilma Berg", "Ella Lund", "Adam Noor"]);
  // Everyone else: families of one or two guardians, some with two households, some with siblings.
  let familyIndex = 0;
  const openSeats = () => classNames.filter((c) => classPupils.get(c)!.length < pupilsPerClass);
  while (openSeats().length > 0) {
    familyIndex++;
    const family = random.pick(familyNames);
    const split = familyIndex % 7 === 0;
    const single = !split && familyIndex % 9 === 0;
    const home = addHousehold();
    const mother = addGuardian(random.pick(adultWomensNames), family, home);
    const guardiansOfFamily = [mother];
    if (!single) {
      const fatherHome = split ? addHousehold() : home;
      const fatherFamily = split ? random.pick(familyNames) : family;
      guardiansOfFamily.push(addGuardian(random.pick(adultMensNames), fatherFamily, fatherHome));
    }
    // Every fifth family has two children at the school, in different classes.
    const seats = openSeats();
    const childCount = familyIndex % 5 === 0 && seats.length > 1 ? 2 : 1;
    const firstClass = random.pick(seats);
    const childClasses = [firstClass];
    if (childCount === 2) childClasses.push(random.pick(seats.filter((c) => c[0] !== firstClass[0])));
    for (const className of childClasses) {
      // Two pupils with the same full name would make the demo's lists ambiguous.
      let given = random.next() < 0.5 ? random.pick(girlsNames) : random.pick(boysNames);
      while (pupilFullNames.has(`${given} ${family}`)) given = random.next() < 0.5 ? random.pick(girlsNames) : random.pick(boysNames);
      pupilFullNames.add(`${given} ${family}`);
      const child = addPupil(className, given, family, { householdId: home });
      link(child, guardiansOfFamily);
    }
  }

  // Mentor groups: each class split in two, one mentor each (Alva is in Jonas Ek's group).
  const mentorsByClass = new Map<ClassName, string[]>();
  teacherSpecs.forEach((t, i) => {
    if (t.mentorOf) mentorsByClass.set(t.mentorOf, [...(mentorsByClass.get(t.mentorOf) ?? []), teacherIds[i]!]);
  });
  const jonasId = teacherIds[teacherSpecs.findIndex((t) => t.email === demoAccounts.mentor)]!;
  for (const className of classNames) {
    const mentors = mentorsByClass.get(className) ?? [];
    // Jonas first in 8A, so that Alva (first in the class list) falls in his group.
    mentors.sort((a, b) => (a === jonasId ? -1 : b === jonasId ? 1 : 0));
    const members = classPupils.get(className)!;
    const half = Math.ceil(members.length / mentors.length);
    mentors.forEach((mentorId, i) => {
      const spec = teacherSpecs[teacherIds.indexOf(mentorId)]!;
      const groupId = newId();
      groupRows.push({
        id: groupId,
        schoolId,
        name: `${className} – ${spec.given} ${spec.family}`,
        type: "mentor",
        schoolYear: Number(className[0]),
      });
      mentorshipRows.push({ groupId, mentorId });
      for (const pupilId of members.slice(i * half, (i + 1) * half)) memberRows.push({ groupId, pupilId });
    });
  }

  // Teaching groups. Most subjects are taught to the whole class; language choice (Spanish or
  // German) and Swedish as a second language form groups across a year's classes.
  const secondLanguagePupils = new Set<string>();
  const spanishPupils = new Set<string>();
  for (const className of classNames) {
    classPupils.get(className)!.forEach((pupilId, i) => {
      if (pupilId !== alva && i % 11 === 5) secondLanguagePupils.add(pupilId);
      if (pupilId === alva || random.next() < 0.55) spanishPupils.add(pupilId);
    });
  }
  const subjectName = (key: SubjectKey) => subjectCatalogue.find((s) =>
    ("languageCode" in s ? `${s.code}-${s.languageCode}` : s.code) === key)!.nameSv;
  const teachingGroupIds = new Map<string, string>();
  const teachingGroup = (key: SubjectKey, className: ClassName) => {
    const crossClass = key === "SVA" || key === "M2-es" || key === "M2-de";
    const groupKey = crossClass ? `${key} ${className[0]}` : `${key} ${className}`;
    const existingId = teachingGroupIds.get(groupKey);
    if (existingId) return existingId;
    const id = newId();
    teachingGroupIds.set(groupKey, id);
    const schoolYear = Number(className[0]);
    const name = crossClass ? `${schoolYear} ${subjectName(key)}` : `${className} ${subjectName(key)}`;
    groupRows.push({ id, schoolId, name, type: "teaching", schoolYear });
    const yearClasses = crossClass ? classNames.filter((c) => c[0] === className[0]) : [className];
    for (const c of yearClasses) {
      for (const pupilId of classPupils.get(c)!) {
        const takesSva = secondLanguagePupils.has(pupilId);
        const include =
          key === "SVA" ? takesSva
          : key === "SV" ? !takesSva
          : key === "M2-es" ? spanishPupils.has(pupilId)
          : key === "M2-de" ? !spanishPupils.has(pupilId)
          : true;
        if (include) memberRows.push({ groupId: id, pupilId });
      }
    }
    return id;
  };
  teacherSpecs.forEach((spec, i) => {
    for (const [key, classes] of spec.teaches) {
      const groupIdsForTeacher = new Set(classes.map((c) => teachingGroup(key, c)));
      for (const groupId of groupIdsForTeacher) {
        for (const termId of [autumnId, springId]) {
          dutyRows.push({ id: newId(), termId, subjectId: subjectIds.get(key)!, groupId, teacherId: teacherIds[i]! });
        }
      }
    }
  });

  const now = new Date();
  const hashes = await Promise.all(accountHolders.map(() => hash(DEMO_PASSWORD)));
  const credentialRows = accountHolders.map((personId, i) => ({ personId, passwordHash: hashes[i]!, updatedAt: now }));

  const chunked = <T>(rows: T[], size = 200) =>
    Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

  db.transaction((tx) => {
    tx.insert(schools).values({ id: schoolId, name: "Solbackeskolan", municipality: "Sjövik" }).run();
    tx.insert(terms).values(termRows).run();
    tx.insert(subjects).values(subjectRows).run();
    tx.insert(households).values(householdRows).run();
    for (const rows of chunked(personRows)) tx.insert(people).values(rows).run();
    tx.insert(staff).values(staffRows).run();
    for (const rows of chunked(pupilRows)) tx.insert(pupils).values(rows).run();
    for (const rows of chunked(guardianshipRows)) tx.insert(guardianships).values(rows).run();
    for (const rows of chunked(groupRows)) tx.insert(groups).values(rows).run();
    for (const rows of chunked(memberRows)) tx.insert(groupMembers).values(rows).run();
    tx.insert(mentorships).values(mentorshipRows).run();
    for (const rows of chunked(dutyRows)) tx.insert(teachingDuties).values(rows).run();
    tx.insert(credentials).values(credentialRows).run();
    insertSecondSchool(tx as unknown as AppDatabase, startYear, hashes[0]!, now);
  });
  return true;
}

/**
 * Norrbyskolan, a small second school in the same municipality (and database): its admin and
 * families must see nothing of Solbackeskolan, and Solbackeskolan's people nothing of it.
 */
function insertSecondSchool(db: AppDatabase, startYear: number, passwordHash: string, now: Date) {
  const schoolId = newId();
  const person = (givenName: string, familyName: string, extra: Partial<typeof people.$inferInsert> = {}) => {
    const id = newId();
    db.insert(people).values({ id, schoolId, givenName, familyName, ...extra }).run();
    return id;
  };
  db.insert(schools).values({ id: schoolId, name: "Norrbyskolan", municipality: "Sjövik" }).run();
  const termIds = [newId(), newId()];
  db.insert(terms)
    .values([
      { id: termIds[0]!, schoolId, kind: "HT", year: startYear, startsOn: `${startYear}-08-17`, endsOn: `${startYear}-12-22` },
      { id: termIds[1]!, schoolId, kind: "VT", year: startYear + 1, startsOn: `${startYear + 1}-01-08`, endsOn: `${startYear + 1}-06-12` },
    ])
    .run();
  const mathsId = newId();
  db.insert(subjects).values({ id: mathsId, schoolId, code: "MA", languageCode: null, nameSv: "Matematik", nameEn: "Mathematics", sortOrder: 0 }).run();
  const admin = person("Per", "Norén", { email: demoAccounts.otherSchoolAdmin });
  const teacher = person("Siv", "Ekholm", { email: "siv.ekholm@norrby.demo.test" });
  db.insert(staff).values([{ personId: admin, isAdmin: true, isTeacher: false }, { personId: teacher, isAdmin: false, isTeacher: true }]).run();
  const household = newId();
  db.insert(households).values({ id: household, schoolId }).run();
  const guardian = person("Mira", "Holmgren", { householdId: household, email: "mira.holmgren@hem.norrby.demo.test", dateOfBirth: "1984-05-02" });
  const classId = newId();
  const mentorGroupId = newId();
  db.insert(groups)
    .values([
      { id: classId, schoolId, name: "7B", type: "class", schoolYear: 7 },
      { id: mentorGroupId, schoolId, name: "7B – Siv Ekholm", type: "mentor", schoolYear: 7 },
    ])
    .run();
  for (const given of ["Tove", "Viggo"]) {
    const pupil = person(given, "Holmgren", { householdId: household, dateOfBirth: `${startYear - 13}-02-0${given === "Tove" ? 3 : 9}` });
    db.insert(pupils).values({ personId: pupil, schoolYear: 7 }).run();
    db.insert(guardianships).values({ pupilId: pupil, guardianId: guardian }).run();
    db.insert(groupMembers).values([{ groupId: classId, pupilId: pupil }, { groupId: mentorGroupId, pupilId: pupil }]).run();
  }
  db.insert(mentorships).values({ groupId: mentorGroupId, mentorId: teacher }).run();
  db.insert(teachingDuties).values(termIds.map((termId) => ({ id: newId(), termId, subjectId: mathsId, groupId: classId, teacherId: teacher }))).run();
  db.insert(credentials).values([admin, teacher, guardian].map((personId) => ({ personId, passwordHash, updatedAt: now }))).run();
}
