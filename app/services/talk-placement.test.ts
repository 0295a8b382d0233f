import { describe, expect, it } from "vitest";
import {
  createMoveChecker,
  mentorSpreadDeviation,
  moveViolations,
  placePupils,
  summarizePlacement,
  type PlacementPupil,
  type PlacementResult,
  type PlacementSitting,
  type TimeRange,
} from "./talk-placement";

const MON = "2026-11-23";
const TUE = "2026-11-24";
const WED = "2026-11-25";
const THU = "2026-11-26";

function sitting(id: string, day: string, from: string, to: string, capacity: number | null = null): PlacementSitting {
  return { id, startsAt: `${day}T${from}`, endsAt: `${day}T${to}`, capacity };
}
function pupil(id: string, extra: Partial<PlacementPupil> = {}): PlacementPupil {
  return { id, mentorId: "mentor", guardianIds: [`guardian-of-${id}`], unavailable: [], ...extra };
}
function range(day: string, from: string, to: string): TimeRange {
  return { startsAt: `${day}T${from}`, endsAt: `${day}T${to}` };
}
const ids = (n: number, prefix = "p") => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
const threeAfternoons = [sitting("mon", MON, "15:00", "16:00"), sitting("tue", TUE, "15:00", "16:00"), sitting("wed", WED, "15:00", "16:00")];

function countsBySitting(result: PlacementResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of Object.values(result.assignments)) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

/** An independent, slow check of the hard rules, written without the module's tables. Fixed pupils may break them. */
const minutes = (t: string) => Date.parse(`${t}:00Z`) / 60_000;
const overlaps = (a: TimeRange, b: TimeRange) => minutes(a.startsAt) < minutes(b.endsAt) && minutes(b.startsAt) < minutes(a.endsAt);
function hardRuleBreaches(sittings: PlacementSitting[], pupils: PlacementPupil[], result: PlacementResult): string[] {
  const byId = new Map(sittings.map((s) => [s.id, s]));
  const breaches: string[] = [];
  const counts = countsBySitting(result);
  const placedFreely = new Set(pupils.filter((p) => !p.fixedSittingId).map((p) => result.assignments[p.id]));
  for (const s of sittings) if (s.capacity !== null && placedFreely.has(s.id) && (counts[s.id] ?? 0) > s.capacity) breaches.push(`capacity ${s.id}`);
  for (const p of pupils) {
    const at = result.assignments[p.id];
    if (!at) continue;
    const s = byId.get(at)!;
    if (!p.fixedSittingId && p.unavailable.some((r) => overlaps(r, s))) breaches.push(`unavailable ${p.id}`);
    for (const q of pupils) {
      const qAt = result.assignments[q.id];
      if (q.id <= p.id || !qAt || (p.fixedSittingId && q.fixedSittingId) || !q.guardianIds.some((g) => p.guardianIds.includes(g))) continue;
      const t = byId.get(qAt)!;
      if (at === qAt || overlaps(s, t)) breaches.push(`siblings ${p.id} ${q.id}`);
    }
  }
  return breaches;
}

describe("placePupils: even numbers", () => {
  it("spreads 72 pupils over 3 sittings as 24 each", () => {
    const pupils = ids(72).map((id, i) => pupil(id, { mentorId: `m${i % 5}` }));
    const result = placePupils(threeAfternoons, pupils);
    expect(result.unplaced).toEqual([]);
    expect(countsBySitting(result)).toEqual({ mon: 24, tue: 24, wed: 24 });
  });

  it("fills sittings in proportion to their capacity", () => {
    const sittings = [sitting("big", MON, "15:00", "16:00", 40), sitting("small", TUE, "15:00", "16:00", 20)];
    const result = placePupils(sittings, ids(30).map((id) => pupil(id)));
    expect(countsBySitting(result)).toEqual({ big: 20, small: 10 });
  });
});

describe("placePupils: capacity", () => {
  it("never exceeds capacity and reports the overflow with reason capacity", () => {
    const sittings = threeAfternoons.map((s) => ({ ...s, capacity: 10 }));
    const result = placePupils(sittings, ids(35).map((id) => pupil(id)));
    expect(countsBySitting(result)).toEqual({ mon: 10, tue: 10, wed: 10 });
    expect(result.unplaced).toHaveLength(5);
    for (const u of result.unplaced) expect(u.reasons).toEqual(["capacity"]);
  });

  it("places no one in a sitting of capacity 0", () => {
    const sittings = [sitting("closed", MON, "15:00", "16:00", 0), sitting("open", TUE, "15:00", "16:00", 5)];
    const result = placePupils(sittings, ids(4).map((id) => pupil(id)));
    expect(countsBySitting(result)).toEqual({ open: 4 });
  });
});

describe("placePupils: siblings", () => {
  it("never puts siblings sharing one guardian (split family) in the same or overlapping sittings", () => {
    const sittings = [
      sitting("mon-a", MON, "15:00", "16:00"),
      sitting("mon-b", MON, "15:30", "16:30"),
      sitting("tue", TUE, "15:00", "16:00", 1),
    ];
    // anna shares dad with bert and mum with cleo; bert and cleo share no one and may sit together.
    // Only anna on Tuesday (one place) lets all three come; anna on Monday would shut both out.
    const pupils = [
      pupil("anna", { guardianIds: ["mum", "dad"] }),
      pupil("bert", { guardianIds: ["dad", "stepmum"] }),
      pupil("cleo", { guardianIds: ["mum"] }),
      ...ids(9, "x").map((id) => pupil(id, { unavailable: [range(TUE, "15:00", "16:00")] })),
    ];
    const result = placePupils(sittings, pupils);
    expect(result.unplaced).toEqual([]);
    expect(result.assignments.anna).toBe("tue");
    expect(hardRuleBreaches(sittings, pupils, result)).toEqual([]);
  });

  it("leaves out the one sibling whose place would shut out two", () => {
    const sittings = [sitting("mon-a", MON, "15:00", "16:00"), sitting("mon-b", MON, "15:00", "16:00"), sitting("mon-c", MON, "15:30", "16:30")];
    const pupils = [
      pupil("anna", { guardianIds: ["mum", "dad"] }),
      pupil("bert", { guardianIds: ["dad", "stepmum"] }),
      pupil("cleo", { guardianIds: ["mum"] }),
    ];
    const result = placePupils(sittings, pupils);
    expect(result.unplaced).toEqual([{ pupilId: "anna", reasons: ["sibling"] }]);
    expect(Object.keys(result.assignments).sort()).toEqual(["bert", "cleo"]);
  });

  it("lets siblings use the same hour on different days, and back-to-back sittings", () => {
    const sameHour = [sitting("mon", MON, "15:00", "16:00", 1), sitting("tue", TUE, "15:00", "16:00", 1)];
    const backToBack = [sitting("first", MON, "15:00", "16:00", 1), sitting("second", MON, "16:00", "17:00", 1)];
    const siblings = [pupil("a", { guardianIds: ["mum"] }), pupil("b", { guardianIds: ["mum"] })];
    expect(placePupils(sameHour, siblings)).toEqual({ assignments: { a: "mon", b: "tue" }, unplaced: [] });
    expect(placePupils(backToBack, siblings)).toEqual({ assignments: { a: "first", b: "second" }, unplaced: [] });
  });

  it("reports sibling when the family cannot be split over the sittings", () => {
    const sittings = [sitting("room-1", MON, "15:00", "16:00"), sitting("room-2", MON, "15:00", "16:00")];
    const family = ["a", "b"].map((id) => pupil(id, { guardianIds: ["mum", "dad"] }));
    const result = placePupils(sittings, family);
    expect(Object.keys(result.assignments)).toHaveLength(1);
    expect(result.unplaced).toHaveLength(1);
    expect(result.unplaced[0]!.reasons).toContain("sibling");
  });

  it("keeps a sibling away from a fixed brother's sitting", () => {
    const sittings = [sitting("mon", MON, "15:00", "16:00"), sitting("mon-b", MON, "15:30", "16:30"), sitting("tue", TUE, "15:00", "16:00")];
    const pupils = [pupil("fixed", { guardianIds: ["dad"], fixedSittingId: "mon" }), pupil("free", { guardianIds: ["dad"] })];
    expect(placePupils(sittings, pupils).assignments).toEqual({ fixed: "mon", free: "tue" });
  });

  it("keeps a pupil away from a sibling's talk elsewhere (another talk day, a one-to-one booking)", () => {
    const sittings = [sitting("mon", MON, "15:00", "16:00"), sitting("mon-b", MON, "16:00", "17:00"), sitting("tue", TUE, "15:00", "16:00")];
    const pupils = ["a", "b", "c"].map((id) => pupil(id, { siblingTalks: [range(MON, "15:30", "16:30"), range(TUE, "15:00", "15:20")] }));
    const result = placePupils(sittings, pupils);
    expect(result.assignments).toEqual({});
    expect(result.unplaced).toEqual(["a", "b", "c"].map((pupilId) => ({ pupilId, reasons: ["sibling"] })));
    const free = pupil("d", { siblingTalks: [range(MON, "15:30", "16:30")] });
    expect(placePupils(sittings, [free]).assignments).toEqual({ d: "tue" });
  });
});

describe("placePupils: unavailable times", () => {
  it("never uses a sitting that overlaps a stated unavailable time, even partly", () => {
    const pupils = ids(30).map((id, i) =>
      pupil(id, {
        // Half cannot Monday afternoon; a third are busy 14:30–15:15 on Tuesday; back-to-back (14:00–15:00 Wed) is fine.
        unavailable: [
          ...(i % 2 === 0 ? [range(MON, "13:00", "18:00")] : []),
          ...(i % 3 === 0 ? [range(TUE, "14:30", "15:15")] : []),
          range(WED, "14:00", "15:00"),
        ],
      }),
    );
    const result = placePupils(threeAfternoons, pupils);
    expect(result.unplaced).toEqual([]);
    expect(hardRuleBreaches(threeAfternoons, pupils, result)).toEqual([]);
    for (const [i, id] of ids(30).entries()) if (i % 2 === 0 && i % 3 === 0) expect(result.assignments[id]).toBe("wed");
  });

  it("leaves a pupil unavailable at every sitting unplaced with reason unavailable", () => {
    const pupils = [pupil("busy", { unavailable: [range(MON, "08:00", "18:00"), range(TUE, "15:00", "16:00"), range(WED, "15:59", "17:00")] }), pupil("ok")];
    const result = placePupils(threeAfternoons, pupils);
    expect(result.unplaced).toEqual([{ pupilId: "busy", reasons: ["unavailable"] }]);
    expect(result.assignments).toEqual({ ok: "mon" });
  });

  it("lists every constraint that ruled out a sitting, sorted", () => {
    const sittings = [sitting("full", MON, "15:00", "16:00", 1), sitting("tue", TUE, "15:00", "16:00")];
    const pupils = [pupil("a", { fixedSittingId: "full" }), pupil("b", { unavailable: [range(TUE, "15:00", "16:00")] })];
    expect(placePupils(sittings, pupils).unplaced).toEqual([{ pupilId: "b", reasons: ["capacity", "unavailable"] }]);
  });
});

describe("placePupils: mentor spread", () => {
  it("gives each of 3 mentors with 12 pupils 4 per sitting", () => {
    // Ids grouped by mentor, and interleaved: taking pupils in turn would put all of m0 together.
    for (const mentorOf of [(i: number) => `m${Math.floor(i / 12)}`, (i: number) => `m${i % 3}`]) {
      const pupils = ids(36).map((id, i) => pupil(id, { mentorId: mentorOf(i) }));
      const result = placePupils(threeAfternoons, pupils);
      const summary = summarizePlacement(threeAfternoons, pupils, result.assignments);
      for (const s of summary.perSitting) expect(s.perMentor).toEqual({ m0: 4, m1: 4, m2: 4 });
      expect(mentorSpreadDeviation(threeAfternoons, pupils, result.assignments)).toBe(0);
    }
  });

  it("evens out mentors when the rooms are full, by swapping pupils", () => {
    // 12 pupils, 2 × 6 places. Monday holds four fixed pupils (two of m0, two of m1), so its last two
    // places should go to m2: then m0 has 2/3, m1 2/1, m2 2/2. Greedy alone ends at m0 3/2, m2 1/3,
    // and no single move helps once both rooms are full.
    const sittings = [sitting("mon", MON, "15:00", "16:00", 6), sitting("tue", TUE, "15:00", "16:00", 6)];
    const table: Array<[string, string, string?]> = [
      ["p0", "m2", "tue"], ["p1", "m0"], ["p2", "m1", "mon"], ["p3", "m0", "mon"], ["p4", "m0"], ["p5", "m2"],
      ["p6", "m0", "mon"], ["p7", "m1", "mon"], ["p8", "m0"], ["p9", "m2"], ["p10", "m1"], ["p11", "m2"],
    ];
    const pupils = table.map(([id, mentorId, fixedSittingId]) => pupil(id, { mentorId, fixedSittingId }));
    const result = placePupils(sittings, pupils);
    expect(result.unplaced).toEqual([]);
    expect(summarizePlacement(sittings, pupils, result.assignments).perSitting.map((s) => s.perMentor)).toEqual([
      { m0: 2, m1: 2, m2: 2 },
      { m0: 3, m1: 1, m2: 2 },
    ]);
  });

  it("evens out each mentor around fixed pupils", () => {
    // m0 already has 4 fixed on Monday: the other 8 belong on Tuesday and Wednesday.
    const pupils = ids(36).map((id, i) => pupil(id, { mentorId: `m${Math.floor(i / 12)}`, fixedSittingId: i < 4 ? "mon" : undefined }));
    const result = placePupils(threeAfternoons, pupils);
    for (const s of summarizePlacement(threeAfternoons, pupils, result.assignments).perSitting) {
      expect(s.count).toBe(12);
      expect(s.perMentor).toEqual({ m0: 4, m1: 4, m2: 4 });
    }
  });
});

describe("placePupils: fixed pupils", () => {
  it("keeps fixed pupils where they are and counts them towards capacity", () => {
    const sittings = [sitting("mon", MON, "15:00", "16:00", 3), sitting("tue", TUE, "15:00", "16:00", 3)];
    const pupils = [pupil("f1", { fixedSittingId: "tue" }), pupil("f2", { fixedSittingId: "tue" }), ...ids(4).map((id) => pupil(id))];
    const result = placePupils(sittings, pupils);
    expect(result.assignments.f1).toBe("tue");
    expect(result.assignments.f2).toBe("tue");
    expect(countsBySitting(result)).toEqual({ mon: 3, tue: 3 });
  });

  it("honours fixed pupils that break a rule, and adds no one to an overfull sitting", () => {
    const sittings = [sitting("mon", MON, "15:00", "16:00", 1), sitting("tue", TUE, "15:00", "16:00", 5)];
    const pupils = [
      pupil("f1", { fixedSittingId: "mon", unavailable: [range(MON, "15:00", "16:00")] }),
      pupil("f2", { fixedSittingId: "mon" }),
      pupil("free"),
    ];
    expect(placePupils(sittings, pupils)).toEqual({ assignments: { f1: "mon", f2: "mon", free: "tue" }, unplaced: [] });
  });

  it("places a pupil whose fixed sitting no longer exists like any other", () => {
    expect(placePupils(threeAfternoons, [pupil("a", { fixedSittingId: "deleted" })]).assignments).toEqual({ a: "mon" });
  });
});

describe("placePupils: repair pass", () => {
  // Every sitting has room for two and one fixed pupil. b and c each have two open sittings; the
  // greedy pass puts b in mon and c in tue (equal cost, earlier sitting), which leaves z (mon or tue
  // only) without a place. Moving b to wed frees mon for z.
  const sittings = [
    sitting("mon", MON, "15:00", "16:00", 2),
    sitting("tue", TUE, "15:00", "16:00", 2),
    sitting("wed", WED, "15:00", "16:00", 2),
    sitting("thu", THU, "15:00", "16:00", 2),
  ];
  const fixed = sittings.map((s) => pupil(`fixed-${s.id}`, { mentorId: "other", fixedSittingId: s.id }));
  const pupils = [
    ...fixed,
    pupil("b", { unavailable: [range(TUE, "15:00", "16:00"), range(THU, "15:00", "16:00")] }),
    pupil("c", { unavailable: [range(MON, "15:00", "16:00"), range(WED, "15:00", "16:00")] }),
    pupil("z", { unavailable: [range(WED, "15:00", "16:00"), range(THU, "15:00", "16:00")] }),
  ];

  it("the greedy pass alone leaves a pupil unplaced", () => {
    const result = placePupils(sittings, pupils, { repair: false });
    expect(result.unplaced).toEqual([{ pupilId: "z", reasons: ["capacity", "unavailable"] }]);
  });

  it("moves one placed pupil to make room", () => {
    const result = placePupils(sittings, pupils);
    expect(result.unplaced).toEqual([]);
    expect(hardRuleBreaches(sittings, pupils, result)).toEqual([]);
    expect(result.assignments).toMatchObject({ b: "wed", c: "tue", z: "mon" });
  });

  it("rearranges a sibling group when the first sibling's place shuts out another", () => {
    // a can come Monday 15:00 or Tuesday; her brother b only to one of the two overlapping Monday
    // sittings. The greedy pass puts a first (same number of choices, earlier id) on Monday 15:00,
    // which shuts b out of both Monday sittings; a on Tuesday lets b in.
    const rooms = [sitting("mon-1", MON, "15:00", "16:00"), sitting("mon-2", MON, "15:30", "16:30"), sitting("tue", TUE, "15:00", "16:00")];
    const family = [
      pupil("a", { guardianIds: ["dad"], unavailable: [range(MON, "16:00", "17:00")] }),
      pupil("b", { guardianIds: ["dad"], unavailable: [range(TUE, "15:00", "16:00")] }),
    ];
    expect(placePupils(rooms, family, { repair: false }).unplaced).toEqual([{ pupilId: "b", reasons: ["sibling", "unavailable"] }]);
    expect(placePupils(rooms, family)).toEqual({ assignments: { a: "tue", b: "mon-1" }, unplaced: [] });
  });
});

describe("placePupils: a realistic school", () => {
  /** Small seeded generator (mulberry32) so the test is the same on every run. */
  function school(seed: number, size = 200) {
    let state = seed;
    const random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const days = [MON, TUE, WED];
    const sittings = days.flatMap((day) =>
      ["15", "16", "17"].map((h, k) => sitting(`${day}-${h}`, day, `${h}:00`, `${Number(h) + 1}:00`, k === 2 ? 20 : 25)),
    );
    sittings.push(sitting("mon-15-b", MON, "15:30", "16:30", 10));
    const pupils: PlacementPupil[] = ids(size).map((id, i) => ({
      id,
      mentorId: `m${i % 8}`,
      guardianIds: [`g${i}`, `h${i}`],
      unavailable: random() < 0.15 ? [range(days[Math.floor(random() * 3)]!, "15:00", random() < 0.5 ? "16:00" : "18:00")] : [],
      fixedSittingId: random() < 0.05 ? sittings[Math.floor(random() * sittings.length)]!.id : undefined,
    }));
    // Families of two or three, some sharing only one guardian.
    for (let i = 0; i + 2 < pupils.length; i += 10) {
      pupils[i + 1]!.guardianIds = random() < 0.3 ? [pupils[i]!.guardianIds[0]!, `new${i}`] : [...pupils[i]!.guardianIds];
      if (random() < 0.3) pupils[i + 2]!.guardianIds = [pupils[i]!.guardianIds[1]!];
      for (const k of [i + 1, i + 2]) pupils[k]!.fixedSittingId = undefined;
      pupils[i]!.fixedSittingId = undefined;
    }
    return { sittings, pupils };
  }

  it("keeps every hard rule and explains each pupil left over", () => {
    let leftOver = 0;
    // 220 places: the last school has more pupils than places.
    for (const [seed, size] of [[1, 200], [2, 200], [3, 216], [4, 240]] as const) {
      const { sittings, pupils } = school(seed, size);
      const result = placePupils(sittings, pupils);
      expect(hardRuleBreaches(sittings, pupils, result)).toEqual([]);
      for (const p of pupils) if (p.fixedSittingId) expect(result.assignments[p.id]).toBe(p.fixedSittingId);
      expect(Object.keys(result.assignments).length + result.unplaced.length).toBe(pupils.length);
      // Everyone left over really fits nowhere.
      for (const u of result.unplaced) {
        expect(u.reasons.length).toBeGreaterThan(0);
        for (const s of sittings) expect(moveViolations(sittings, pupils, result.assignments, u.pupilId, s.id)).not.toEqual([]);
      }
      leftOver += result.unplaced.length;
    }
    expect(leftOver).toBeGreaterThan(0);
  });

  it("decides whether one pupil may move from that pupil's own times alone: the others' times change nothing", () => {
    // A guardian's choice of sitting is checked with only their own child's times worked out
    // (talk-days.server.ts, guardianViewOfPlacement); this is what makes that the same answer.
    const { sittings, pupils } = school(11);
    for (const p of pupils) if (p.id.endsWith("3")) p.siblingTalks = [range(TUE, "16:30", "17:15")];
    const { assignments } = placePupils(sittings, pupils);
    const everyone = createMoveChecker(sittings, pupils, assignments);
    let refused = 0;
    for (const mover of pupils.filter((_, i) => i % 5 === 0)) {
      const othersBare = pupils.map((p) => (p.id === mover.id ? p : { id: p.id, mentorId: p.mentorId, guardianIds: p.guardianIds, unavailable: [] }));
      const alone = createMoveChecker(sittings, othersBare, assignments);
      for (const s of sittings) {
        expect(alone(mover.id, s.id)).toEqual(everyone(mover.id, s.id));
        if (everyone(mover.id, s.id).some((rule) => rule !== "capacity")) refused++;
      }
    }
    // The comparison met the sibling and unavailable rules, not only full rooms.
    expect(refused).toBeGreaterThan(5);
  });

  it("gives the same answer every time and whatever the input order", () => {
    const { sittings, pupils } = school(7);
    const first = placePupils(sittings, pupils);
    expect(placePupils(sittings, pupils)).toEqual(first);
    const reversed = placePupils(sittings, [...pupils].reverse());
    expect(JSON.stringify(reversed)).toBe(JSON.stringify(first));
  });
});

describe("moveViolations", () => {
  const sittings = [sitting("mon", MON, "15:00", "16:00", 2), sitting("mon-late", MON, "15:30", "16:30", 2), sitting("tue", TUE, "15:00", "16:00", 2)];
  const pupils = [
    pupil("a", { guardianIds: ["mum"] }),
    pupil("b", { guardianIds: ["mum", "stepdad"], unavailable: [range(TUE, "15:45", "16:15")] }),
    pupil("c"),
    pupil("d"),
  ];
  const assignments = { a: "mon", c: "mon", b: "tue", d: "mon-late" };

  it("is empty when the move breaks no rule", () => {
    expect(moveViolations(sittings, pupils, assignments, "d", "tue")).toEqual([]);
  });

  it("counts the sitting without the pupil itself", () => {
    expect(moveViolations(sittings, pupils, assignments, "c", "mon")).toEqual([]);
    expect(moveViolations(sittings, pupils, assignments, "d", "mon")).toEqual(["capacity"]);
  });

  it("finds a sibling in an overlapping sitting", () => {
    expect(moveViolations(sittings, pupils, assignments, "b", "mon-late")).toEqual(["sibling"]);
  });

  it("lists every broken rule, sorted", () => {
    const full = { ...assignments, d: "tue" };
    expect(moveViolations(sittings, pupils, full, "a", "tue")).toEqual(["capacity", "sibling"]);
    expect(moveViolations(sittings, pupils, { a: "mon", c: "mon" }, "b", "mon")).toEqual(["capacity", "sibling"]);
    expect(moveViolations(sittings, pupils, { a: "tue" }, "b", "tue")).toEqual(["sibling", "unavailable"]);
  });

  it("names a sibling's talk elsewhere as the sibling rule, and a stated time as unavailable", () => {
    const elsewhere = [...pupils.slice(0, 3), pupil("d", { siblingTalks: [range(TUE, "15:50", "16:10")], unavailable: [range(MON, "15:00", "15:10")] })];
    expect(moveViolations(sittings, elsewhere, assignments, "d", "tue")).toEqual(["sibling"]);
    expect(moveViolations(sittings, elsewhere, assignments, "d", "mon")).toEqual(["capacity", "unavailable"]);
    expect(moveViolations(sittings, elsewhere, assignments, "d", "mon-late")).toEqual([]);
  });

  it("rejects an unknown sitting", () => {
    expect(() => moveViolations(sittings, pupils, assignments, "a", "nope")).toThrow(/Unknown sitting/);
  });

  it("answers the same through a checker built once for many checks", () => {
    const check = createMoveChecker(sittings, pupils, assignments);
    for (const p of pupils) for (const s of sittings) expect(check(p.id, s.id)).toEqual(moveViolations(sittings, pupils, assignments, p.id, s.id));
  });
});

describe("summarizePlacement", () => {
  it("counts per sitting and per mentor, in sitting order", () => {
    const sittings = [sitting("mon", MON, "15:00", "16:00", 30), sitting("tue", TUE, "15:00", "16:00"), sitting("wed", WED, "15:00", "16:00", 10)];
    const pupils = [pupil("a", { mentorId: "m2" }), pupil("b", { mentorId: "m1" }), pupil("c", { mentorId: "m2" }), pupil("d", { mentorId: "m1" })];
    const summary = summarizePlacement(sittings, pupils, { a: "tue", b: "tue", c: "tue", d: "mon", ghost: "mon" });
    expect(summary).toEqual({
      perSitting: [
        { sittingId: "mon", count: 1, capacity: 30, perMentor: { m1: 1 } },
        { sittingId: "tue", count: 3, capacity: null, perMentor: { m1: 1, m2: 2 } },
        { sittingId: "wed", count: 0, capacity: 10, perMentor: {} },
      ],
    });
  });
});
