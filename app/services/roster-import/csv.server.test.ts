import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/client";
import { csvTemplate, csvTerms, readCsvRoster } from "./csv.server";
import { importRosterNow } from "./import.server";

const school = { sourceId: "csv:test", name: "Lillskolan", municipality: "Byn" };
const terms = csvTerms([], 2026);
const header = "id;roll;förnamn;efternamn;e-post;födelsedatum;skyddad;årskurs;klass;mentorsgrupp;grupper;vårdnadshavare;undervisar";

describe("the CSV roster", () => {
  it("reads the template: a pupil in her class, mentor and language groups, her guardian, her teacher who is also admin", () => {
    const read = readCsvRoster(csvTemplate(), school, terms);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const { roster } = read;
    expect(roster.people.map((p) => [p.sourceId, p.pupil, p.staff])).toEqual([
      ["e1", { schoolYear: 8 }, null],
      ["v1", null, null],
      ["l1", null, { admin: true, teacher: true }],
    ]);
    expect(roster.groups.map((g) => [g.name, g.type, g.schoolYear])).toEqual([
      ["8A", "class", 8],
      ["8A mentor", "mentor", 8],
      ["Spanska 8", "teaching", 8],
    ]);
    expect(roster.guardianships).toEqual([["e1", "v1"]]);
    expect(roster.mentorships).toEqual([["mentor:8A mentor", "l1"]]);
    expect(roster.subjects.map((s) => [s.code, s.languageCode, s.nameSv, s.nameEn])).toEqual([
      ["MA", null, "Matematik", "Mathematics"],
      ["M2", "es", "Moderna språk, spanska", "Modern languages, Spanish"],
    ]);
    // Every teaching line in both terms of the school year.
    expect(roster.duties.map((d) => `${d.term} ${d.subject} ${d.group}`).sort()).toEqual([
      "HT2026 M2:es teaching:Spanska 8",
      "HT2026 MA class:8A",
      "VT2027 M2:es teaching:Spanska 8",
      "VT2027 MA class:8A",
    ]);
  });

  it("protects anyone whose marking is anything but empty or 'nej' (fail closed) — and refuses values it does not know", () => {
    const read = readCsvRoster(`${header}\nv1;vårdnadshavare;A;B;;;;;;;;;\ne1;elev;C;D;;;JA;5;5A;;;v1;\nl1;admin;E;F;;;nej;;;;;;\n`, school, terms);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.roster.people.map((p) => [p.sourceId, p.protectedIdentity])).toEqual([
      ["v1", false],
      ["e1", true],
      ["l1", false],
    ]);
    const unknown = readCsvRoster(`${header}\ne1;elev;C;D;;;skyddad?;5;5A;;;;\n`, school, terms);
    expect(!unknown.ok && unknown.problems.map((p) => p.problem)).toEqual(["csvYesNo"]);
  });

  it("names a missing column, and reads a comma-separated file with quoted lists", () => {
    const missing = readCsvRoster("id;roll;förnamn\n1;elev;A\n", school, terms);
    expect(!missing.ok && missing.problems.map((p) => [p.problem, p.values?.header])).toEqual([["csvMissingColumn", "efternamn"]]);
    const commas = readCsvRoster(`${header.replaceAll(";", ",")}\ne1,elev,A,B,,,,3,3A,,"Matte 3, Musik 3",,\nl1,"lärare, admin",C,D,,,,,,,,,"MA Matte 3, MU Musik 3"\n`, school, terms);
    if (!commas.ok) throw new Error(JSON.stringify(commas.problems));
    expect(commas.roster.groups.map((g) => g.name)).toEqual(["3A", "Matte 3", "Musik 3"]);
    expect(commas.roster.duties).toHaveLength(4);
  });

  it("imports into a school and, read again, writes nothing", async () => {
    const folder = mkdtempSync(join(tmpdir(), "iup-csv-"));
    const db = await openDatabase(join(folder, "csv.sqlite"));
    try {
      const read = readCsvRoster(csvTemplate(), school, terms);
      if (!read.ok) throw new Error("refused");
      const first = importRosterNow(db, { roster: read.roster, source: "csv" });
      expect(first.ok && first.writes).toBeGreaterThan(10);
      const again = readCsvRoster(csvTemplate(), school, terms);
      if (!again.ok) throw new Error("refused");
      const second = importRosterNow(db, { roster: again.roster, source: "csv" });
      expect(second.ok && second.writes).toBe(0);
    } finally {
      db.$client.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
