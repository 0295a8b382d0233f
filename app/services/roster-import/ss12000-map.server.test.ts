import { describe, expect, it } from "vitest";
import { mapSs12000 } from "./ss12000-map.server";
import type { Person, Ss12000Data } from "./ss12000-model";

const unit = { id: "unit", displayName: "Lillskolan", organisationType: "Skolenhet" };
const enrolled = (id: string, extra: Partial<Person> = {}): Person => ({
  id,
  givenName: `Elev${id}`,
  familyName: "Test",
  enrolments: [{ enroledAt: { id: "unit" }, schoolType: "GR", schoolYear: 4, startDate: "2026-07-01" }],
  ...extra,
});
const base = (persons: Person[], more: Partial<Ss12000Data> = {}): Ss12000Data => ({
  organisations: [unit],
  persons: [...persons, { id: "admin", givenName: "Ada", familyName: "Admin" }],
  groups: [],
  duties: [{ id: "d-admin", person: { id: "admin" }, dutyAt: { id: "unit" }, dutyRole: "Rektor", startDate: "2020-01-01" }],
  activities: [],
  syllabuses: [],
  ...more,
});
const map = (data: Ss12000Data, externalIdContext: string | null = null) => {
  const mapped = mapSs12000(data, { schoolUnitId: null, today: "2026-10-01", externalIdContext });
  if (!mapped.ok) throw new Error(JSON.stringify(mapped.problems));
  return mapped.roster;
};

describe("SS12000 to roster", () => {
  it("fails closed on security markings: any value but Ingen protects, also one it does not know, also on a reference", () => {
    const roster = map(
      base(
        [
          enrolled("a", { securityMarking: "Ingen" }),
          enrolled("b", { securityMarking: "Sekretessmarkering" }),
          enrolled("c", { securityMarking: "Skyddad folkbokföring" }),
          enrolled("d", { securityMarking: "Något nytt" }),
          enrolled("e"),
          enrolled("f", { securityMarking: "Ingen", responsibles: [] }),
        ],
        { groups: [{ id: "g", displayName: "4A", groupType: "Klass", startDate: "2026-07-01", organisation: { id: "unit" }, groupMemberships: [{ person: { id: "f", securityMarking: "Sekretessmarkering" } }] }] },
      ),
    );
    expect(Object.fromEntries(roster.people.filter((p) => p.pupil).map((p) => [p.sourceId, p.protectedIdentity]))).toEqual({ a: false, b: true, c: true, d: true, e: false, f: true });
  });

  it("takes guardians from responsibles of the type Vårdnadshavare only, and what is in force today", () => {
    const roster = map(
      base(
        [
          enrolled("p", { responsibles: [{ person: { id: "vh" }, relationType: "Vårdnadshavare" }, { person: { id: "fam" }, relationType: "Annan ansvarig" }] }),
          { id: "vh", givenName: "V", familyName: "H" },
          { id: "fam", givenName: "F", familyName: "H" },
          enrolled("left", { enrolments: [{ enroledAt: { id: "unit" }, schoolType: "GR", schoolYear: 4, startDate: "2025-07-01", endDate: "2026-06-30" }] }),
        ],
        {
          groups: [
            { id: "g", displayName: "4A", groupType: "Klass", startDate: "2026-07-01", organisation: { id: "unit" }, groupMemberships: [{ person: { id: "p" }, endDate: "2026-09-30" }] },
            { id: "old", displayName: "3A", groupType: "Klass", startDate: "2025-07-01", endDate: "2026-06-30", organisation: { id: "unit" } },
          ],
        },
      ),
    );
    expect(roster.people.map((p) => p.sourceId).sort()).toEqual(["admin", "p", "vh"]);
    expect(roster.guardianships).toEqual([["p", "vh"]]);
    expect(roster.groups.map((g) => g.name)).toEqual(["4A"]);
    expect(roster.memberships).toEqual([]);
  });

  it("fills the external id from the configured context, an ePPN, or the one globally unique identifier; never the civic number", () => {
    const person = enrolled("p", {
      civicNo: { value: "201203041234" },
      eduPersonPrincipalNames: ["p@skolan.se"],
      externalIdentifiers: [
        { value: "ad-1", context: "http://kommun.se/AD", globallyUnique: false },
        { value: "idp-1", context: "http://kommun.se/idp", globallyUnique: true },
      ],
    } as Partial<Person>);
    const external = (context: string | null) => map(base([structuredClone(person)]), context).people.find((p) => p.sourceId === "p")!.externalId;
    expect(external("http://kommun.se/AD")).toBe("ad-1");
    expect(external("eduPersonPrincipalName")).toBe("p@skolan.se");
    expect(external(null)).toBe("idp-1");
    expect(JSON.stringify(map(base([structuredClone(person)])))).not.toContain("201203041234");
  });

  it("splits an activity's period into terms: HT July–December, VT January–June", () => {
    const roster = map(
      base([enrolled("p")], {
        duties: [
          { id: "d-admin", person: { id: "admin" }, dutyAt: { id: "unit" }, dutyRole: "Rektor", startDate: "2020-01-01" },
          { id: "d-t", person: { id: "t" }, dutyAt: { id: "unit" }, dutyRole: "Lärare", startDate: "2020-01-01" },
        ],
        persons: [enrolled("p"), { id: "admin", givenName: "A", familyName: "A" }, { id: "t", givenName: "T", familyName: "T" }],
        groups: [{ id: "g", displayName: "4A", groupType: "Klass", startDate: "2026-07-01", organisation: { id: "unit" }, groupMemberships: [{ person: { id: "p" } }] }],
        syllabuses: [{ id: "s", subjectCode: "GRGRMAT01", subjectName: "Matematik", subjectDesignation: "MA" }],
        activities: [{ id: "act", displayName: "4A MA", startDate: "2026-08-18", endDate: "2027-06-11", organisation: { id: "unit" }, groups: [{ id: "g" }], teachers: [{ duty: { id: "d-t" } }], syllabus: { id: "s" } }],
      }),
    );
    expect(roster.terms).toEqual([
      { kind: "HT", year: 2026, startsOn: "2026-08-18", endsOn: "2026-12-31" },
      { kind: "VT", year: 2027, startsOn: "2027-01-01", endsOn: "2027-06-11" },
    ]);
    expect(roster.duties.map((d) => `${d.term} ${d.subject} ${d.group} ${d.teacher}`)).toEqual(["HT2026 MA g t", "VT2027 MA g t"]);
    expect(roster.people.find((p) => p.sourceId === "t")!.staff).toEqual({ admin: false, teacher: true });
  });
});
