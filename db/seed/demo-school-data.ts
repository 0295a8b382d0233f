/**
 * The demo school as SS12000 data (the shape a school's administration system publishes):
 * Solbackeskolan and Norrbyskolan, two school units of the municipality Sjövik, for the school
 * year that starts in DEMO_REFERENCE_YEAR. `npm run demo:fixture` writes it to
 * db/seed/demo-school.ss12000.json, which the seed imports through the roster import; a test
 * checks that the committed file is what this makes. Generated deterministically, in the same
 * order as the demo always was, so every name, class, group and family stays the same.
 */
import type { Activity, Duty, Group, Organisation, Person, Ss12000Data, Syllabus } from "../../app/services/roster-import/ss12000-model";
import { adultMensNames, adultWomensNames, boysNames, familyNames, girlsNames } from "./names";

/** The school year the fixture is written for; the seed moves its dates to the current one. */
export const DEMO_REFERENCE_YEAR = 2026;
/** The day the fixture's ages are reckoned from (Adam Noor is 18 or over on it and after). */
const REFERENCE_DAY = `${DEMO_REFERENCE_YEAR}-12-01`;

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

/** Norrbyskolan's guardian, who also signs in. */
export const norrbyGuardianEmail = "mira.holmgren@hem.norrby.demo.test";

/** Skolverket's subject codes for compulsory school, years 6–9 (languages as ISO 639-3, as SS12000 has them). */
const subjectCatalogue = [
  { code: "SV", name: "Svenska" },
  { code: "SVA", name: "Svenska som andraspråk" },
  { code: "MA", name: "Matematik" },
  { code: "EN", name: "Engelska" },
  { code: "M2", language: "spa", name: "Moderna språk" },
  { code: "M2", language: "deu", name: "Moderna språk" },
  { code: "BI", name: "Biologi" },
  { code: "FY", name: "Fysik" },
  { code: "KE", name: "Kemi" },
  { code: "TK", name: "Teknik" },
  { code: "GE", name: "Geografi" },
  { code: "HI", name: "Historia" },
  { code: "RE", name: "Religionskunskap" },
  { code: "SH", name: "Samhällskunskap" },
  { code: "BL", name: "Bild" },
  { code: "MU", name: "Musik" },
  { code: "SL", name: "Slöjd" },
  { code: "HKK", name: "Hem- och konsumentkunskap" },
  { code: "IDH", name: "Idrott och hälsa" },
] as const;
const swedishNames: Record<string, string> = { "M2-es": "Moderna språk, spanska", "M2-de": "Moderna språk, tyska" };

type SubjectKey = "SV" | "SVA" | "MA" | "EN" | "M2-es" | "M2-de" | "BI" | "FY" | "KE" | "TK" | "GE" | "HI" | "RE" | "SH" | "BL" | "MU" | "SL" | "HKK" | "IDH";
const classNames = ["6A", "7A", "8A", "8B", "9A"] as const;
type ClassName = (typeof classNames)[number];
const pupilsPerClass = 24;

interface TeacherSpec {
  given: string;
  family: string;
  email?: string;
  teaches: Array<[SubjectKey, ClassName[]]>;
  mentorOf?: ClassName;
}
const allClasses: ClassName[] = [...classNames];
const teacherSpecs: TeacherSpec[] = [
  { given: "Karin", family: "Holm", email: demoAccounts.mathsTeacher, mentorOf: "8A", teaches: [["MA", ["8A", "8B", "9A"]]] },
  { given: "Erik", family: "Sandberg", email: demoAccounts.swedishTeacher, mentorOf: "9A", teaches: [["SV", ["7A", "8A", "8B"]], ["SVA", ["8A", "8B"]]] },
  { given: "Jonas", family: "Ek", email: demoAccounts.mentor, mentorOf: "8A", teaches: [["SH", ["8A", "8B", "9A"]], ["HI", ["8A", "8B", "9A"]], ["GE", ["8A", "8B"]], ["RE", ["8A", "8B"]]] },
  { given: "Anna", family: "Nyström", mentorOf: "8B", teaches: [["EN", allClasses]] },
  { given: "Mikael", family: "Lund", email: demoAccounts.guardianWhoTeaches, mentorOf: "8B", teaches: [["BI", ["8A", "8B", "9A"]], ["FY", ["8A", "8B", "9A"]], ["KE", ["8A", "8B", "9A"]]] },
  { given: "Sofia", family: "Wikström", mentorOf: "6A", teaches: [["MA", ["6A", "7A"]], ["TK", allClasses]] },
  { given: "Peter", family: "Strand", mentorOf: "6A", teaches: [["SH", ["6A", "7A"]], ["HI", ["6A", "7A"]], ["GE", ["6A", "7A", "9A"]], ["RE", ["6A", "7A", "9A"]]] },
  { given: "Helena", family: "Forsberg", mentorOf: "7A", teaches: [["SV", ["6A", "9A"]], ["SVA", ["6A", "7A", "9A"]]] },
  { given: "Ulrika", family: "Berglund", mentorOf: "7A", teaches: [["M2-de", allClasses], ["BI", ["6A", "7A"]], ["FY", ["6A", "7A"]], ["KE", ["6A", "7A"]]] },
  { given: "Maja", family: "Björk", mentorOf: "9A", teaches: [["BL", allClasses]] },
  { given: "Oskar", family: "Dahl", teaches: [["IDH", allClasses]] },
  { given: "Lars", family: "Hedlund", teaches: [["MU", allClasses]] },
  { given: "Eva", family: "Sjöberg", teaches: [["SL", allClasses], ["HKK", allClasses]] },
  { given: "Fredrik", family: "Lindberg", teaches: [["M2-es", allClasses]] },
];

/** A small deterministic generator, so the demo school is the same on every machine. */
export function createRandom(seed: number) {
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

/** UUIDs (version 4 in form) from their own deterministic generator, so ids do not disturb the names' sequence. */
export function uuidMaker(seed: number) {
  const random = createRandom(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random.next() * 16).toString(16)).join("");
  return () => `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[Math.floor(random.next() * 4)]}${hex(3)}-${hex(12)}`;
}

export const asciiFold = (value: string) =>
  value
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z]/g, "");

const pad = (n: number) => String(n).padStart(2, "0");
const ref = (id: string) => ({ id });

/** The demo school's SS12000 data for the school year starting in DEMO_REFERENCE_YEAR. */
export function demoSchoolData(): Ss12000Data {
  const random = createRandom(20260817);
  const uuid = uuidMaker(12000);
  const startYear = DEMO_REFERENCE_YEAR;
  const yearStart = `${startYear}-07-01`;
  const yearEnd = `${startYear + 1}-06-30`;
  const autumn = { startDate: `${startYear}-08-17`, endDate: `${startYear}-12-22`, label: `HT ${startYear}` };
  const spring = { startDate: `${startYear + 1}-01-08`, endDate: `${startYear + 1}-06-12`, label: `VT ${startYear + 1}` };

  const owner: Organisation = { id: uuid(), displayName: "Sjövik", organisationType: "Huvudman", municipalityCode: "9999" };
  const unit: Organisation = { id: uuid(), displayName: "Solbackeskolan", organisationType: "Skolenhet", schoolUnitCode: "99990001", municipalityCode: "9999", schoolTypes: ["GR"], parentOrganisation: ref(owner.id) };
  const organisations = [owner, unit];
  const persons: Person[] = [];
  const groups: Group[] = [];
  const duties: Duty[] = [];
  const activities: Activity[] = [];

  const syllabusIds = new Map<SubjectKey, string>();
  const syllabuses: Syllabus[] = subjectCatalogue.map((s) => {
    const language = "language" in s ? s.language : null;
    const key = (language ? `${s.code}-${language === "spa" ? "es" : "de"}` : s.code) as SubjectKey;
    const syllabus: Syllabus = {
      id: uuid(),
      schoolType: "GR",
      subjectCode: `GRGR${s.code}${language ? language.toUpperCase() : ""}01`,
      subjectName: s.name,
      subjectDesignation: s.code,
      ...(language ? { languageCode: language } : {}),
      official: true,
      curriculum: "GR2011",
    };
    syllabusIds.set(key, syllabus.id);
    return syllabus;
  });

  const usedEmails = new Set<string>();
  const emailFor = (given: string, family: string, domain: string) => {
    const base = `${asciiFold(given)}.${asciiFold(family)}`;
    let candidate = `${base}@${domain}`;
    for (let n = 2; usedEmails.has(candidate); n++) candidate = `${base}${n}@${domain}`;
    usedEmails.add(candidate);
    return candidate;
  };
  const addresses = new Map<string, Person["addresses"]>();
  let streetNumber = 0;
  const addHousehold = () => {
    const key = `h${++streetNumber}`;
    addresses.set(key, [{ type: "Folkbokföring", streetAddress: `Solbacksvägen ${streetNumber}`, postalCode: "999 01", locality: "Sjövik" }]);
    return key;
  };
  const addPerson = (p: { given: string; family: string; email: string; emailType: string; birthDate?: string; protectedIdentity?: boolean; household?: string }) => {
    if (p.email) usedEmails.add(p.email);
    const person: Person = {
      id: uuid(),
      givenName: p.given,
      familyName: p.family,
      ...(p.birthDate ? { birthDate: p.birthDate } : {}),
      securityMarking: p.protectedIdentity ? "Skyddad folkbokföring" : "Ingen",
      emails: [{ value: p.email, type: p.emailType }],
      // A protected address is not handed out (skyddad folkbokföring).
      ...(p.household && !p.protectedIdentity ? { addresses: addresses.get(p.household) } : {}),
    };
    persons.push(person);
    return person;
  };
  const addDuty = (person: Person, dutyRole: string) => {
    const duty: Duty = { id: uuid(), person: ref(person.id), dutyAt: ref(unit.id), dutyRole, startDate: yearStart, assignmentRole: [] };
    duties.push(duty);
    return duty;
  };

  // Staff.
  const admin = addPerson({ given: "Lena", family: "Åberg", email: demoAccounts.admin, emailType: "Skola personal" });
  addDuty(admin, "Skoladministratör");
  const teacherDuties = teacherSpecs.map((t) => {
    const person = addPerson({ given: t.given, family: t.family, email: t.email ?? emailFor(t.given, t.family, "solbacken.demo.test"), emailType: "Skola personal" });
    return { person, duty: addDuty(person, "Lärare") };
  });

  // Classes and their pupils.
  const classGroups = new Map<ClassName, Group>();
  const classPupils = new Map<ClassName, Person[]>();
  for (const className of classNames) {
    const group: Group = { id: uuid(), displayName: className, groupType: "Klass", schoolType: "GR", startDate: yearStart, endDate: yearEnd, organisation: ref(unit.id), groupMemberships: [] };
    groups.push(group);
    classGroups.set(className, group);
    classPupils.set(className, []);
  }
  const member = (group: Group, pupil: Person) =>
    group.groupMemberships!.push({ person: { id: pupil.id, ...(pupil.securityMarking !== "Ingen" ? { securityMarking: pupil.securityMarking } : {}) }, startDate: yearStart, endDate: yearEnd });

  const birthDate = (schoolYear: number) => `${startYear - (schoolYear + 6)}-${pad(1 + Math.floor(random.next() * 12))}-${pad(1 + Math.floor(random.next() * 28))}`;
  const adultBirthDate = () => `${1974 + Math.floor(random.next() * 16)}-${pad(1 + Math.floor(random.next() * 12))}-${pad(1 + Math.floor(random.next() * 28))}`;

  const addPupil = (className: ClassName, given: string, family: string, extra: { email?: string; household?: string; protectedIdentity?: boolean; birthDate?: string } = {}) => {
    const schoolYear = Number(className[0]);
    const email = extra.email ?? emailFor(given, family, "elev.solbacken.demo.test");
    const born = birthDate(schoolYear);
    const pupil = addPerson({ given, family, email, emailType: "Skola elev", birthDate: extra.birthDate ?? born, household: extra.household, protectedIdentity: extra.protectedIdentity });
    pupil.enrolments = [{ enroledAt: ref(unit.id), schoolType: "GR", schoolYear, startDate: yearStart, endDate: yearEnd }];
    pupil.responsibles = [];
    member(classGroups.get(className)!, pupil);
    classPupils.get(className)!.push(pupil);
    return pupil;
  };
  const addGuardian = (given: string, family: string, household: string, extra: { email?: string; protectedIdentity?: boolean } = {}) =>
    addPerson({ given, family, email: extra.email ?? emailFor(given, family, "hem.demo.test"), emailType: "Privat", birthDate: adultBirthDate(), household, protectedIdentity: extra.protectedIdentity });
  const link = (pupil: Person, guardians: Person[]) => {
    for (const guardian of guardians) {
      pupil.responsibles!.push({ person: { id: guardian.id, ...(guardian.securityMarking !== "Ingen" ? { securityMarking: guardian.securityMarking } : {}) }, relationType: "Vårdnadshavare" });
    }
  };

  // Alva, her younger brother and their two households (a split family).
  const saraHousehold = addHousehold();
  const johanHousehold = addHousehold();
  const sara = addGuardian("Sara", "Lindqvist", saraHousehold, { email: demoAccounts.guardian });
  const johan = addGuardian("Johan", "Berg", johanHousehold, { email: demoAccounts.otherHouseholdGuardian });
  const alva = addPupil("8A", "Alva", "Lindqvist", { email: demoAccounts.pupil, household: saraHousehold });
  const elis = addPupil("6A", "Elis", "Lindqvist", { household: saraHousehold });
  link(alva, [sara, johan]);
  link(elis, [sara, johan]);

  // A pupil in another class whose guardian must never see anything of Alva's.
  const petraHousehold = addHousehold();
  const petra = addGuardian("Petra", "Johansson", petraHousehold, { email: demoAccounts.otherClassGuardian });
  link(addPupil("7A", "Liam", "Johansson", { household: petraHousehold }), [petra]);

  // A pupil in Alva's class with protected identity (skyddade personuppgifter), and her guardian.
  const protectedHousehold = addHousehold();
  const amina = addGuardian("Amina", "Karlsson", protectedHousehold, { protectedIdentity: true, email: demoAccounts.protectedGuardian });
  link(addPupil("8A", "Nora", "Karlsson", { protectedIdentity: true, household: protectedHousehold, email: demoAccounts.protectedPupil }), [amina]);

  // A blended family: Johan Berg is also Wilma's guardian, with Lisa Ahmadi in a third household.
  const lisaHousehold = addHousehold();
  const lisa = addGuardian("Lisa", "Ahmadi", lisaHousehold, { email: demoAccounts.blendedFamilyGuardian });
  link(addPupil("8B", "Wilma", "Berg", { household: lisaHousehold }), [johan, lisa]);

  // A teacher who is also a guardian: Mikael Lund teaches Ella's class science and is her parent.
  const lundHousehold = addHousehold();
  const mikael = teacherDuties[teacherSpecs.findIndex((t) => t.email === demoAccounts.guardianWhoTeaches)]!.person;
  link(addPupil("8A", "Ella", "Lund", { household: lundHousehold }), [mikael]);

  // A pupil of 18 who decides about his own plan and has not let his guardian read it.
  const noorHousehold = addHousehold();
  const hodan = addGuardian("Hodan", "Noor", noorHousehold, { email: demoAccounts.adultPupilGuardian });
  const adam = addPupil("9A", "Adam", "Noor", { household: noorHousehold, email: demoAccounts.adultPupil, birthDate: `${Number(REFERENCE_DAY.slice(0, 4)) - 19}-03-14` });
  link(adam, [hodan]);

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
    const seats = openSeats();
    const childCount = familyIndex % 5 === 0 && seats.length > 1 ? 2 : 1;
    const firstClass = random.pick(seats);
    const childClasses = [firstClass];
    if (childCount === 2) childClasses.push(random.pick(seats.filter((c) => c[0] !== firstClass[0])));
    for (const className of childClasses) {
      let given = random.next() < 0.5 ? random.pick(girlsNames) : random.pick(boysNames);
      while (pupilFullNames.has(`${given} ${family}`)) given = random.next() < 0.5 ? random.pick(girlsNames) : random.pick(boysNames);
      pupilFullNames.add(`${given} ${family}`);
      link(addPupil(className, given, family, { household: home }), guardiansOfFamily);
    }
  }

  // Mentor groups: each class split in two, one mentor each (Alva is in Jonas Ek's group).
  const jonas = teacherDuties[teacherSpecs.findIndex((t) => t.email === demoAccounts.mentor)]!;
  for (const className of classNames) {
    const mentors = teacherDuties.filter((_, i) => teacherSpecs[i]!.mentorOf === className);
    mentors.sort((a, b) => (a === jonas ? -1 : b === jonas ? 1 : 0));
    const members = classPupils.get(className)!;
    const half = Math.ceil(members.length / mentors.length);
    mentors.forEach((mentor, i) => {
      const group: Group = {
        id: uuid(),
        displayName: `${className} – ${mentor.person.givenName} ${mentor.person.familyName}`,
        groupType: "Mentor",
        schoolType: "GR",
        startDate: yearStart,
        endDate: yearEnd,
        organisation: ref(unit.id),
        groupMemberships: [],
      };
      groups.push(group);
      mentor.duty.assignmentRole!.push({ group: ref(group.id), assignmentRoleType: "Mentor", startDate: yearStart, endDate: yearEnd });
      for (const pupil of members.slice(i * half, (i + 1) * half)) member(group, pupil);
    });
  }

  // Teaching groups. Most subjects are taught to the whole class; language choice (Spanish or
  // German) and Swedish as a second language form groups across a year's classes.
  const secondLanguagePupils = new Set<string>();
  const spanishPupils = new Set<string>();
  for (const className of classNames) {
    classPupils.get(className)!.forEach((pupil, i) => {
      if (pupil !== alva && i % 11 === 5) secondLanguagePupils.add(pupil.id);
      if (pupil === alva || random.next() < 0.55) spanishPupils.add(pupil.id);
    });
  }
  const subjectName = (key: SubjectKey) => swedishNames[key] ?? subjectCatalogue.find((s) => s.code === key)!.name;
  const teachingGroups = new Map<string, Group>();
  const teachingGroup = (key: SubjectKey, className: ClassName) => {
    const crossClass = key === "SVA" || key === "M2-es" || key === "M2-de";
    const groupKey = crossClass ? `${key} ${className[0]}` : `${key} ${className}`;
    const existing = teachingGroups.get(groupKey);
    if (existing) return existing;
    const schoolYear = Number(className[0]);
    const group: Group = {
      id: uuid(),
      displayName: crossClass ? `${schoolYear} ${subjectName(key)}` : `${className} ${subjectName(key)}`,
      groupType: "Undervisning",
      schoolType: "GR",
      startDate: yearStart,
      endDate: yearEnd,
      organisation: ref(unit.id),
      groupMemberships: [],
    };
    teachingGroups.set(groupKey, group);
    groups.push(group);
    const yearClasses = crossClass ? classNames.filter((c) => c[0] === className[0]) : [className];
    for (const c of yearClasses) {
      for (const pupil of classPupils.get(c)!) {
        const takesSva = secondLanguagePupils.has(pupil.id);
        const include = key === "SVA" ? takesSva : key === "SV" ? !takesSva : key === "M2-es" ? spanishPupils.has(pupil.id) : key === "M2-de" ? !spanishPupils.has(pupil.id) : true;
        if (include) member(group, pupil);
      }
    }
    return group;
  };
  teacherSpecs.forEach((spec, i) => {
    for (const [key, classes] of spec.teaches) {
      for (const group of new Set(classes.map((c) => teachingGroup(key, c)))) {
        for (const term of [autumn, spring]) {
          activities.push({
            id: uuid(),
            displayName: `${group.displayName} ${term.label}`,
            activityType: "Undervisning",
            calendarEventsRequired: false,
            startDate: term.startDate,
            endDate: term.endDate,
            organisation: ref(unit.id),
            groups: [ref(group.id)],
            teachers: [{ duty: ref(teacherDuties[i]!.duty.id) }],
            syllabus: ref(syllabusIds.get(key)!),
          });
        }
      }
    }
  });

  addSecondSchool({ uuid, owner, organisations, persons, groups, duties, activities, mathsSyllabus: syllabusIds.get("MA")!, yearStart, yearEnd, terms: [autumn, spring] });
  return { organisations, persons, groups, duties, activities, syllabuses };
}

/**
 * Norrbyskolan, a small second school unit of the same municipality (and database): its admin and
 * families must see nothing of Solbackeskolan, and Solbackeskolan's people nothing of it.
 */
function addSecondSchool(s: {
  uuid: () => string;
  owner: Organisation;
  organisations: Organisation[];
  persons: Person[];
  groups: Group[];
  duties: Duty[];
  activities: Activity[];
  mathsSyllabus: string;
  yearStart: string;
  yearEnd: string;
  terms: Array<{ startDate: string; endDate: string; label: string }>;
}) {
  const unit: Organisation = { id: s.uuid(), displayName: "Norrbyskolan", organisationType: "Skolenhet", schoolUnitCode: "99990002", municipalityCode: "9999", schoolTypes: ["GR"], parentOrganisation: ref(s.owner.id) };
  s.organisations.push(unit);
  const home = [{ type: "Folkbokföring", streetAddress: "Norrbyvägen 1", postalCode: "999 02", locality: "Sjövik" }];
  const person = (givenName: string, familyName: string, email: string | null, type: string, extra: Partial<Person> = {}): Person => {
    const p: Person = { id: s.uuid(), givenName, familyName, securityMarking: "Ingen", ...(email ? { emails: [{ value: email, type }] } : {}), ...extra };
    s.persons.push(p);
    return p;
  };
  const admin = person("Per", "Norén", demoAccounts.otherSchoolAdmin, "Skola personal");
  const teacher = person("Siv", "Ekholm", "siv.ekholm@norrby.demo.test", "Skola personal");
  s.duties.push({ id: s.uuid(), person: ref(admin.id), dutyAt: ref(unit.id), dutyRole: "Skoladministratör", startDate: s.yearStart });
  const teacherDuty: Duty = { id: s.uuid(), person: ref(teacher.id), dutyAt: ref(unit.id), dutyRole: "Lärare", startDate: s.yearStart, assignmentRole: [] };
  s.duties.push(teacherDuty);
  const guardian = person("Mira", "Holmgren", norrbyGuardianEmail, "Privat", { birthDate: "1984-05-02", addresses: home });
  const cls: Group = { id: s.uuid(), displayName: "7B", groupType: "Klass", schoolType: "GR", startDate: s.yearStart, endDate: s.yearEnd, organisation: ref(unit.id), groupMemberships: [] };
  const mentorGroup: Group = { id: s.uuid(), displayName: "7B – Siv Ekholm", groupType: "Mentor", schoolType: "GR", startDate: s.yearStart, endDate: s.yearEnd, organisation: ref(unit.id), groupMemberships: [] };
  s.groups.push(cls, mentorGroup);
  teacherDuty.assignmentRole!.push({ group: ref(mentorGroup.id), assignmentRoleType: "Mentor", startDate: s.yearStart, endDate: s.yearEnd });
  const startYear = Number(s.yearStart.slice(0, 4));
  for (const given of ["Tove", "Viggo"]) {
    const pupil = person(given, "Holmgren", null, "Skola elev", {
      birthDate: `${startYear - 13}-02-0${given === "Tove" ? 3 : 9}`,
      addresses: home,
      enrolments: [{ enroledAt: ref(unit.id), schoolType: "GR", schoolYear: 7, startDate: s.yearStart, endDate: s.yearEnd }],
      responsibles: [{ person: ref(guardian.id), relationType: "Vårdnadshavare" }],
    });
    for (const group of [cls, mentorGroup]) group.groupMemberships!.push({ person: ref(pupil.id), startDate: s.yearStart, endDate: s.yearEnd });
  }
  for (const term of s.terms) {
    s.activities.push({
      id: s.uuid(),
      displayName: `7B Matematik ${term.label}`,
      activityType: "Undervisning",
      calendarEventsRequired: false,
      startDate: term.startDate,
      endDate: term.endDate,
      organisation: ref(unit.id),
      groups: [ref(cls.id)],
      teachers: [{ duty: ref(teacherDuty.id) }],
      syllabus: ref(s.mathsSyllabus),
    });
  }
}
