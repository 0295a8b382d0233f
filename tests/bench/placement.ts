/**
 * `npx tsx tests/bench/placement.ts [--pupils=N]` — how fast placePupils places a whole school for
 * its talk days. A deterministic school (seeded PRNG): ~25 pupils per mentor, ~20% of pupils with a
 * sibling (some split families where siblings share only one guardian), ~10% with one or two
 * unavailable ranges; 3 afternoons × 3 sittings of 60 min (15:00–18:00), capacity 120 each.
 * Prints a table, then one JSON object on the last line.
 */
import { performance } from "node:perf_hooks";
import {
  mentorSpreadDeviation,
  placePupils,
  summarizePlacement,
  type PlacementPupil,
  type PlacementSitting,
  type TimeRange,
} from "../../app/services/talk-placement";

const pupilArg = process.argv.find((a) => a.startsWith("--pupils="));
const pupilCount = pupilArg ? Number(pupilArg.slice("--pupils=".length)) : 1000;
if (!Number.isInteger(pupilCount) || pupilCount < 1) throw new Error(`--pupils must be a positive whole number, got ${pupilArg}`);
const PUPILS_PER_MENTOR = 25;
const WARM_UP_RUNS = 5;
const RUNS = 20;

/** mulberry32: small, fast, and the same numbers on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20261123);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const days = ["2026-11-23", "2026-11-24", "2026-11-25"];
const hours = [15, 16, 17];
const hh = (h: number) => String(h).padStart(2, "0");
const sittings: PlacementSitting[] = days.flatMap((day) =>
  hours.map((h) => ({ id: `${day}-${hh(h)}`, startsAt: `${day}T${hh(h)}:00`, endsAt: `${day}T${hh(h + 1)}:00`, capacity: 120 })),
);

function makeSchool(n: number): PlacementPupil[] {
  const mentors = Math.max(1, Math.round(n / PUPILS_PER_MENTOR));
  const pupils: PlacementPupil[] = Array.from({ length: n }, (_, i) => ({
    id: `pupil-${String(i).padStart(5, "0")}`,
    mentorId: `mentor-${String(i % mentors).padStart(2, "0")}`,
    guardianIds: [],
    unavailable: [],
  }));
  let guardians = 0;
  const newGuardian = () => `guardian-${guardians++}`;

  // ~20% of pupils have a sibling: families of two, some of three, drawn across mentors.
  const order = shuffle(pupils.map((_, i) => i));
  const withSibling = Math.round(n * 0.2);
  let next = 0;
  while (next + 1 < withSibling) {
    const size = next + 3 <= withSibling && random() < 0.2 ? 3 : 2;
    const family = order.slice(next, next + size).map((i) => pupils[i]!);
    next += size;
    const parents = [newGuardian(), newGuardian()];
    if (random() < 0.25) {
      // Split family: the parents live apart with new partners; the children share only one guardian.
      family.forEach((pupil, k) => (pupil.guardianIds = k === 0 ? [...parents] : [parents[1]!, newGuardian()]));
    } else {
      const together = random() < 0.15 ? parents.slice(0, 1) : parents;
      for (const pupil of family) pupil.guardianIds = [...together];
    }
  }
  for (const i of order.slice(next)) pupils[i]!.guardianIds = random() < 0.15 ? [newGuardian()] : [newGuardian(), newGuardian()];

  // ~10% cannot come at one or two times: a whole afternoon, a single hour, or the last two hours.
  for (const pupil of pupils) {
    if (random() >= 0.1) continue;
    const ranges: TimeRange[] = [];
    const count = random() < 0.7 ? 1 : 2;
    for (let k = 0; k < count; k++) {
      const day = pick(days);
      const kind = random();
      if (kind < 0.4) ranges.push({ startsAt: `${day}T15:00`, endsAt: `${day}T18:00` });
      else if (kind < 0.8) {
        const h = pick(hours);
        ranges.push({ startsAt: `${day}T${hh(h)}:00`, endsAt: `${day}T${hh(h + 1)}:00` });
      } else ranges.push({ startsAt: `${day}T16:00`, endsAt: `${day}T18:00` });
    }
    pupil.unavailable = ranges;
  }
  return pupils;
}

const pupils = makeSchool(pupilCount);
for (let i = 0; i < WARM_UP_RUNS; i++) placePupils(sittings, pupils);
const times: number[] = [];
let result = placePupils(sittings, pupils);
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  result = placePupils(sittings, pupils);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const medianMs = Math.round(((times[(RUNS - 1) >> 1]! + times[RUNS >> 1]!) / 2) * 100) / 100;
const maxMs = Math.round(times[RUNS - 1]! * 100) / 100;
const placed = Object.keys(result.assignments).length;
const deviation = Math.round(mentorSpreadDeviation(sittings, pupils, result.assignments) * 100) / 100;
const counts = summarizePlacement(sittings, pupils, result.assignments).perSitting.map((s) => s.count);

const rows: Array<[string, string | number]> = [
  ["pupils", pupilCount],
  ["sittings", sittings.length],
  ["median ms", medianMs],
  ["max ms", maxMs],
  ["placed", placed],
  ["unplaced", result.unplaced.length],
  ["per sitting", `${Math.min(...counts)}–${Math.max(...counts)}`],
  ["max mentor deviation", deviation],
];
for (const [label, value] of rows) console.log(`${label.padEnd(22)}${String(value).padStart(10)}`);
console.log(JSON.stringify({ pupils: pupilCount, sittings: sittings.length, medianMs, maxMs, placed, unplaced: result.unplaced.length }));
