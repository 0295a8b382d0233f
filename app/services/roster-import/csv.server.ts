import { parse } from "csv-parse/sync";
import { subjectKey, termKey, type Roster, type RosterDuty, type RosterPerson, type RosterProblem, type RosterTerm } from "./roster";
import { canonicalLanguage, describeSubject, isNationalSubject, nationalSubjectNamesSv, orderSubjects } from "./subjects";

/**
 * The CSV roster for small schools without SS12000: one file, one row per person, the columns
 * below (the template at /admin/import/template.csv has them). Cells holding lists are separated
 * by commas (quote the cell if the file itself uses commas). Nothing is imported unless every row
 * is valid; each problem names its line and column.
 */
export const csvColumns = [
  { name: "id", required: true },
  { name: "roll", required: true },
  { name: "förnamn", required: true },
  { name: "efternamn", required: true },
  { name: "e-post", required: false },
  { name: "födelsedatum", required: false },
  { name: "skyddad", required: false },
  { name: "årskurs", required: false },
  { name: "klass", required: false },
  { name: "mentorsgrupp", required: false },
  { name: "grupper", required: false },
  { name: "vårdnadshavare", required: false },
  { name: "undervisar", required: false },
] as const;
type Column = (typeof csvColumns)[number]["name"];

const MENTOR_GROUP = "mentor";
const roles = { elev: "pupil", vårdnadshavare: "guardian", lärare: "teacher", admin: "admin" } as const;

/** The template: the header and three example rows (a pupil, her guardian, her teacher). */
export function csvTemplate(): string {
  const rows = [
    csvColumns.map((c) => c.name),
    ["e1", "elev", "Alva", "Exempelsson", "alva@skolan.se", "2012-05-14", "", "8", "8A", "8A mentor", "Spanska 8", "v1", ""],
    ["v1", "vårdnadshavare", "Sara", "Exempelsson", "sara@example.se", "", "", "", "", "", "", "", ""],
    ["l1", "lärare, admin", "Karin", "Lärarsson", "karin@skolan.se", "", "", "", "", "8A mentor", "", "", "MA 8A, M2:es Spanska 8"],
  ];
  return `${rows.map((r) => r.join(";")).join("\r\n")}\r\n`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A column's letter as a spreadsheet shows it (A, B, … AA). */
const letter = (index: number): string => (index >= 26 ? letter(Math.floor(index / 26) - 1) : "") + String.fromCharCode(65 + (index % 26));

function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export type CsvResult = { ok: true; roster: Roster } | { ok: false; problems: RosterProblem[] };

/**
 * A roster from the CSV file. `school` is the admin's school (the CSV names none); `terms` the
 * terms its teaching applies to (the current school year's).
 */
export function readCsvRoster(text: string, school: Roster["school"], terms: RosterTerm[]): CsvResult {
  const problems: RosterProblem[] = [];
  const at = (line: number, column: number | null, problem: string, values: Record<string, string> = {}) =>
    problems.push({ where: "", problem, values: { line: String(line), ...(column !== null ? { column: letter(column), header: header[column] ?? "" } : {}), ...values } });
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const delimiter = firstLine.includes(";") ? ";" : ",";
  let records: Array<{ record: string[]; info: { lines: number } }>;
  let header: string[] = [];
  try {
    records = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    at(line, null, "csvSyntax", { detail: error instanceof Error ? error.message.slice(0, 160) : "" });
    return { ok: false, problems };
  }
  if (records.length === 0) {
    problems.push({ where: "", problem: "csvEmpty" });
    return { ok: false, problems };
  }
  header = records[0]!.record.map((h) => h.toLowerCase());
  const index = new Map<Column, number>();
  for (const column of csvColumns) {
    const i = header.indexOf(column.name);
    if (i >= 0) index.set(column.name, i);
    else if (column.required) problems.push({ where: "", problem: "csvMissingColumn", values: { line: "1", header: column.name } });
  }
  header.forEach((h, i) => {
    if (!csvColumns.some((c) => c.name === h)) at(1, i, "csvUnknownColumn");
  });
  if (problems.length > 0) return { ok: false, problems };

  interface Row {
    line: number;
    cell: (column: Column) => string;
    col: (column: Column) => number;
  }
  const rows: Row[] = records.slice(1).map(({ record, info }) => ({
    line: info.lines,
    cell: (column) => record[index.get(column) ?? -1] ?? "",
    col: (column) => index.get(column) ?? 0,
  }));
  const list = (value: string) => value.split(",").map((v) => v.trim()).filter(Boolean);

  // People.
  const byId = new Map<string, Row>();
  const people: RosterPerson[] = [];
  const rolesOf = new Map<string, Set<string>>();
  /** Each row's roles; a row whose id came earlier is checked but takes no part in the roster. */
  const rowRoles = new Map<Row, Set<string>>();
  for (const row of rows) {
    const id = row.cell("id");
    let first = false;
    if (!id) at(row.line, row.col("id"), "csvRequired");
    else if (byId.has(id)) at(row.line, row.col("id"), "csvDuplicateId", { value: id });
    else {
      byId.set(id, row);
      first = true;
    }
    const given = row.cell("förnamn");
    const family = row.cell("efternamn");
    if (!given) at(row.line, row.col("förnamn"), "csvRequired");
    if (!family) at(row.line, row.col("efternamn"), "csvRequired");
    const roleSet = new Set<string>();
    const roleCell = list(row.cell("roll").toLowerCase());
    if (roleCell.length === 0) at(row.line, row.col("roll"), "csvRequired");
    for (const r of roleCell) {
      if (r in roles) roleSet.add(roles[r as keyof typeof roles]);
      else at(row.line, row.col("roll"), "csvUnknownRole", { value: r });
    }
    rowRoles.set(row, roleSet);
    if (first) rolesOf.set(id, roleSet);
    const email = row.cell("e-post").toLowerCase();
    if (email && !EMAIL.test(email)) at(row.line, row.col("e-post"), "csvEmail", { value: email });
    const born = row.cell("födelsedatum");
    if (born && !validDate(born)) at(row.line, row.col("födelsedatum"), "csvDate", { value: born });
    const marking = row.cell("skyddad").toLowerCase();
    if (marking && !["ja", "nej"].includes(marking)) at(row.line, row.col("skyddad"), "csvYesNo", { value: marking });
    const yearCell = row.cell("årskurs");
    let schoolYear: number | null = null;
    if (roleSet.has("pupil")) {
      if (!/^\d{1,2}$/.test(yearCell) || Number(yearCell) > 10) at(row.line, row.col("årskurs"), yearCell ? "csvSchoolYear" : "csvRequired", { value: yearCell });
      else schoolYear = Number(yearCell);
    } else {
      for (const column of ["årskurs", "klass", "grupper", "vårdnadshavare"] as const) if (row.cell(column)) at(row.line, row.col(column), "csvOnlyForPupils");
    }
    if (!roleSet.has("teacher") && row.cell("undervisar")) at(row.line, row.col("undervisar"), "csvOnlyForTeachers");
    if (roleSet.has("guardian") && row.cell("mentorsgrupp") && !roleSet.has("teacher") && !roleSet.has("pupil")) at(row.line, row.col("mentorsgrupp"), "csvOnlyForPupils");
    if (!first) continue;
    const staffRole = roleSet.has("teacher") || roleSet.has("admin");
    people.push({
      sourceId: id,
      givenName: given,
      familyName: family,
      email: email && EMAIL.test(email) ? email : null,
      dateOfBirth: born && validDate(born) ? born : null,
      // Fail closed: any marking but an explicit "nej" or an empty cell protects the person.
      protectedIdentity: marking !== "" && marking !== "nej",
      externalId: null,
      household: null,
      pupil: roleSet.has("pupil") && schoolYear !== null ? { schoolYear } : null,
      staff: staffRole ? { admin: roleSet.has("admin"), teacher: roleSet.has("teacher") } : null,
    });
  }

  // Groups: classes and mentor groups named on pupils' rows, teaching groups in "grupper".
  const groups = new Map<string, Roster["groups"][number] & { years: number[] }>();
  const groupOf = (name: string, type: "class" | "mentor" | "teaching", row: Row, column: Column) => {
    const key = `${type}:${name}`;
    const known = [...groups.values()].find((g) => g.name === name);
    if (known && known.type !== type) {
      at(row.line, row.col(column), "csvGroupType", { value: name });
      return null;
    }
    if (!groups.has(key)) groups.set(key, { sourceId: key, name, type, schoolYear: null, years: [] });
    return groups.get(key)!;
  };
  const memberships: Array<[string, string]> = [];
  const guardianships: Array<[string, string]> = [];
  for (const row of rows) {
    const id = row.cell("id");
    if (!rowRoles.get(row)?.has("pupil") || byId.get(id) !== row) continue;
    const year = Number(row.cell("årskurs"));
    const join = (name: string, type: "class" | "mentor" | "teaching", column: Column) => {
      const group = groupOf(name, type, row, column);
      if (!group) return;
      group.years.push(year);
      memberships.push([group.sourceId, id]);
    };
    if (row.cell("klass")) join(row.cell("klass"), "class", "klass");
    for (const name of list(row.cell("mentorsgrupp"))) join(name, "mentor", "mentorsgrupp");
    for (const name of list(row.cell("grupper"))) join(name, "teaching", "grupper");
    for (const guardianId of list(row.cell("vårdnadshavare"))) {
      if (!byId.has(guardianId)) at(row.line, row.col("vårdnadshavare"), "csvUnknownId", { value: guardianId });
      else if (guardianId === id) at(row.line, row.col("vårdnadshavare"), "csvOwnGuardian");
      else guardianships.push([id, guardianId]);
    }
  }
  for (const [id, roleSet] of rolesOf) {
    if (roleSet.has("guardian") && !guardianships.some(([, g]) => g === id)) at(byId.get(id)!.line, byId.get(id)!.col("roll"), "csvGuardianOfNobody");
  }
  const guardianIds = new Set(guardianships.map(([, g]) => g));
  for (const g of guardianIds) if (!rolesOf.get(g)?.has("guardian") && !rolesOf.get(g)?.has("teacher") && !rolesOf.get(g)?.has("admin")) {
    // A guardian listed on a pupil's row but with another role (say, a pupil): refused.
    const row = byId.get(g)!;
    at(row.line, row.col("roll"), "csvNotGuardian");
  }

  // Mentors and teaching.
  const mentorships: Array<[string, string]> = [];
  const subjects = new Map<string, { sourceId: string; code: string; languageCode: string | null; nameSv: string; nameEn: string }>();
  const duties: RosterDuty[] = [];
  const named = (name: string) => [...groups.values()].find((g) => g.name === name);
  for (const row of rows) {
    const id = row.cell("id");
    const roleSet = rowRoles.get(row);
    if ((!roleSet?.has("teacher") && !roleSet?.has("admin")) || byId.get(id) !== row) continue;
    for (const name of list(row.cell("mentorsgrupp"))) {
      const group = named(name);
      if (group?.type !== MENTOR_GROUP) at(row.line, row.col("mentorsgrupp"), "csvUnknownGroup", { value: name });
      else mentorships.push([group!.sourceId, id]);
    }
    for (const entry of list(row.cell("undervisar"))) {
      const match = /^([A-Za-zÅÄÖåäö0-9]+)(?::([a-z]{2,3}))?\s+(.+)$/.exec(entry);
      if (!match) {
        at(row.line, row.col("undervisar"), "csvTeaching", { value: entry });
        continue;
      }
      const code = match[1]!.toUpperCase();
      const languageCode = canonicalLanguage(match[2]);
      const group = named(match[3]!.trim());
      if (!isNationalSubject(code)) at(row.line, row.col("undervisar"), "csvSubject", { value: code });
      else if (!group) at(row.line, row.col("undervisar"), "csvUnknownGroup", { value: match[3]!.trim() });
      else {
        const key = subjectKey({ code, languageCode });
        if (!subjects.has(key)) {
          const described = describeSubject(code, nationalSubjectNamesSv[code]!, languageCode);
          subjects.set(key, { sourceId: key, code, languageCode, nameSv: described.nameSv, nameEn: described.nameEn });
        }
        for (const term of terms) duties.push({ sourceId: `${id}/${key}/${group.sourceId}`, term: termKey(term), subject: key, group: group.sourceId, teacher: id });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => Number(a.values?.line) - Number(b.values?.line)) };

  return {
    ok: true,
    roster: {
      school,
      terms,
      subjects: orderSubjects([...subjects.values()]),
      people,
      groups: [...groups.values()].map(({ years, ...g }) => ({ ...g, schoolYear: years.length > 0 ? Math.min(...years) : null })),
      guardianships,
      memberships,
      mentorships,
      duties,
      warnings: [],
    },
  };
}

/** The current school year's terms for a CSV import: the school's own, or the usual dates when it has none. */
export function csvTerms(stored: Array<{ kind: "HT" | "VT"; year: number; startsOn: string; endsOn: string }>, schoolYearStart: number): RosterTerm[] {
  const wanted: Array<{ kind: "HT" | "VT"; year: number; startsOn: string; endsOn: string }> = [
    { kind: "HT", year: schoolYearStart, startsOn: `${schoolYearStart}-08-15`, endsOn: `${schoolYearStart}-12-22` },
    { kind: "VT", year: schoolYearStart + 1, startsOn: `${schoolYearStart + 1}-01-08`, endsOn: `${schoolYearStart + 1}-06-15` },
  ];
  return wanted.map((w) => stored.find((s) => s.kind === w.kind && s.year === w.year) ?? w).map(({ kind, year, startsOn, endsOn }) => ({ kind, year, startsOn, endsOn }));
}
