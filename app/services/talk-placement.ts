/**
 * Placement of pupils in the sittings of a talk round (utvecklingssamtal). Pure: no database,
 * no clock, no randomness, so the same input always gives the same placement.
 *
 * Hard rules: a sitting's capacity, a pupil's guardians' unavailable times, and siblings never in
 * overlapping sittings (the guardians cannot be in two rooms at once) — siblings placed here, and
 * siblings whose talks are elsewhere (another talk day of the school, a one-to-one booking), given
 * as fixed times. Soft goals: even numbers per
 * sitting (relative to capacity) and each mentor's pupils spread evenly over the sittings.
 *
 * Method: pupils are placed most-constrained first with a greedy cost; a repair pass then places
 * pupils that found no room by moving one other pupil; a local search (single moves and pairwise
 * swaps) evens out numbers and mentors without breaking a hard rule.
 *
 * The soft goals are one objective: sum over sittings of count² / weight plus sum over mentors and
 * sittings of mentorCount² / weight, where weight is the sitting's capacity relative to the mean.
 * It is smallest when every sitting, and every mentor's share of it, is proportional to capacity,
 * and each greedy step or move is judged by how much it changes this sum.
 */

/** Local wall-clock times "YYYY-MM-DDTHH:mm" (Europe/Stockholm); compare as strings/parse as minutes. */
export interface PlacementSitting {
  id: string;
  startsAt: string;
  endsAt: string;
  /** null = no limit */
  capacity: number | null;
}
export interface TimeRange {
  startsAt: string;
  endsAt: string;
}
export interface PlacementPupil {
  id: string;
  /** The pupil's mentor (person id). */
  mentorId: string;
  /** Ids of the pupil's guardians. Pupils sharing any guardian are siblings: their guardians are the same people, so they must never be in overlapping sittings. */
  guardianIds: string[];
  /** The guardians' stated unavailable times (already merged for this pupil). A sitting that overlaps any of them cannot be used. */
  unavailable: TimeRange[];
  /** Times of the talks of the pupil's siblings that are not placed here (another talk day of the school, a one-to-one booking). A sitting that overlaps any of them cannot be used: the sibling rule. */
  siblingTalks?: TimeRange[];
  /** When set the pupil stays in this sitting (confirmed by the guardian or moved by hand) and is not moved; other pupils are placed around them. Still counts for capacity, siblings, mentor spread. */
  fixedSittingId?: string;
}
export type PlacementConstraint = "capacity" | "sibling" | "unavailable";
export interface UnplacedPupil {
  pupilId: string;
  /** Every constraint that ruled out at least one sitting for this pupil, sorted; non-empty. */
  reasons: PlacementConstraint[];
}
export interface PlacementResult {
  /** pupilId -> sittingId for every placed pupil (fixed ones included). */
  assignments: Record<string, string>;
  unplaced: UnplacedPupil[];
}
export interface PlacementOptions {
  /** Run the repair steps (default true): a search within a sibling group that greedy could not
   * place whole, and moving one placed pupil to make room. Off only to show in tests what the
   * greedy pass alone does. */
  repair?: boolean;
  /** Run the local search that evens out numbers and mentors (default true). */
  improve?: boolean;
}
export interface PlacementSummary {
  perSitting: Array<{ sittingId: string; count: number; capacity: number | null; perMentor: Record<string, number> }>;
}

const EPS = 1e-9;
/** Bits of Model.unavailable: why a sitting is ruled out for a pupil by a fixed time. */
const UNAVAILABLE = 1;
const SIBLING_ELSEWHERE = 2;
/** Even numbers per sitting and an even spread per mentor weigh the same. */
const LOAD_WEIGHT = 1;
const MENTOR_WEIGHT = 1;
/** Nodes one sibling group's search may visit; groups are 2–4 pupils, so this is ample. */
const GROUP_SEARCH_NODES = 5_000;
/** Each local-search round strictly lowers the objective, so it ends anyway; this bounds the time. */
const MAX_IMPROVE_ROUNDS = 50;

/** Minutes since 1970 of a wall-clock time; only differences and order matter, so no time zone. */
export function wallClockMinutes(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) throw new Error(`Not a local time "YYYY-MM-DDTHH:mm": ${value}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) / 60_000;
}

/** Positive-length intersection: back-to-back ranges do not overlap. */
function rangesOverlap(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Everything derived from the input once, as flat arrays indexed by pupil and sitting number. */
interface Model {
  sittingCount: number;
  pupilCount: number;
  sittings: PlacementSitting[];
  sittingIndex: Map<string, number>;
  /** Infinity when the sitting has no limit. */
  capacity: Float64Array;
  /** 1 / (capacity relative to the mean): the soft goals aim at counts proportional to capacity. */
  inverseWeight: Float64Array;
  /** overlap[s * S + t] = 1 when sittings s and t overlap; a sitting always overlaps itself. */
  overlap: Uint8Array;
  /** For each sitting the sittings that overlap it, itself included. */
  overlapping: Int32Array[];
  /** Pupils sorted by id, so the result does not depend on the input order. */
  pupils: PlacementPupil[];
  pupilIndex: Map<string, number>;
  mentorOf: Int32Array;
  mentorIds: string[];
  guardiansOf: Int32Array[];
  pupilsOfGuardian: Int32Array[];
  /** blocked[p * S + s]: UNAVAILABLE when the pupil's guardians' unavailable times overlap sitting
   * s, SIBLING_ELSEWHERE when a sibling's talk outside this placement does (either rules it out). */
  unavailable: Uint8Array;
  /** Sitting index of a fixed pupil, else -1 (also when the fixed sitting is not in the input). */
  fixedAt: Int32Array;
}

function buildModel(sittings: PlacementSitting[], inputPupils: PlacementPupil[]): Model {
  const S = sittings.length;
  const sittingIndex = new Map<string, number>();
  const starts = new Float64Array(S);
  const ends = new Float64Array(S);
  const capacity = new Float64Array(S);
  let largestLimit = 0;
  sittings.forEach((sitting, s) => {
    sittingIndex.set(sitting.id, s);
    starts[s] = wallClockMinutes(sitting.startsAt);
    ends[s] = wallClockMinutes(sitting.endsAt);
    capacity[s] = sitting.capacity === null ? Infinity : Math.max(0, sitting.capacity);
    if (sitting.capacity !== null) largestLimit = Math.max(largestLimit, sitting.capacity);
  });
  // A sitting without a limit is treated as the largest room there is when aiming for even numbers.
  const weights = Array.from(capacity, (c) => Math.max(1, Number.isFinite(c) ? c : largestLimit || 1));
  const meanWeight = weights.reduce((a, b) => a + b, 0) / Math.max(1, S);
  const inverseWeight = Float64Array.from(weights, (w) => meanWeight / w);

  const overlap = new Uint8Array(S * S);
  const overlapping: Int32Array[] = [];
  for (let s = 0; s < S; s++) {
    const list: number[] = [];
    for (let t = 0; t < S; t++) {
      if (s === t || rangesOverlap(starts[s]!, ends[s]!, starts[t]!, ends[t]!)) {
        overlap[s * S + t] = 1;
        list.push(t);
      }
    }
    overlapping.push(Int32Array.from(list));
  }

  const pupils = [...inputPupils].sort((a, b) => byCodeUnits(a.id, b.id));
  const P = pupils.length;
  const pupilIndex = new Map<string, number>();
  const mentorNumber = new Map<string, number>();
  const guardianNumber = new Map<string, number>();
  const mentorOf = new Int32Array(P);
  const guardiansOf: Int32Array[] = [];
  const guardianMembers: number[][] = [];
  const unavailable = new Uint8Array(P * S);
  const fixedAt = new Int32Array(P).fill(-1);
  pupils.forEach((pupil, p) => {
    pupilIndex.set(pupil.id, p);
    let mentor = mentorNumber.get(pupil.mentorId);
    if (mentor === undefined) mentorNumber.set(pupil.mentorId, (mentor = mentorNumber.size));
    mentorOf[p] = mentor;
    const own = new Set<number>();
    for (const guardianId of pupil.guardianIds) {
      let g = guardianNumber.get(guardianId);
      if (g === undefined) {
        guardianNumber.set(guardianId, (g = guardianNumber.size));
        guardianMembers.push([]);
      }
      if (!own.has(g)) {
        own.add(g);
        guardianMembers[g]!.push(p);
      }
    }
    guardiansOf.push(Int32Array.from(own));
    const block = (ranges: TimeRange[], bit: number) => {
      for (const range of ranges) {
        const from = wallClockMinutes(range.startsAt);
        const to = wallClockMinutes(range.endsAt);
        for (let s = 0; s < S; s++) if (rangesOverlap(from, to, starts[s]!, ends[s]!)) unavailable[p * S + s]! |= bit;
      }
    };
    block(pupil.unavailable, UNAVAILABLE);
    block(pupil.siblingTalks ?? [], SIBLING_ELSEWHERE);
    // A fixed sitting that no longer exists cannot be honoured; the pupil is placed like any other.
    if (pupil.fixedSittingId !== undefined) fixedAt[p] = sittingIndex.get(pupil.fixedSittingId) ?? -1;
  });

  return {
    sittingCount: S,
    pupilCount: P,
    sittings,
    sittingIndex,
    capacity,
    inverseWeight,
    overlap,
    overlapping,
    pupils,
    pupilIndex,
    mentorOf,
    mentorIds: [...mentorNumber.keys()],
    guardiansOf,
    pupilsOfGuardian: guardianMembers.map((members) => Int32Array.from(members)),
    unavailable,
    fixedAt,
  };
}

/** The current placement with running counts, so every check is O(guardians × overlapping sittings). */
class PlacementState {
  readonly assigned: Int32Array;
  readonly count: Int32Array;
  readonly mentorCount: Int32Array;
  /** guardianCount[g * S + s]: how many of the guardian's children sit in s. */
  readonly guardianCount: Int32Array;

  constructor(readonly model: Model) {
    const S = model.sittingCount;
    this.assigned = new Int32Array(model.pupilCount).fill(-1);
    this.count = new Int32Array(S);
    this.mentorCount = new Int32Array(model.mentorIds.length * S);
    this.guardianCount = new Int32Array(model.pupilsOfGuardian.length * S);
  }

  add(p: number, s: number): void {
    const S = this.model.sittingCount;
    this.assigned[p] = s;
    this.count[s]!++;
    this.mentorCount[this.model.mentorOf[p]! * S + s]!++;
    for (const g of this.model.guardiansOf[p]!) this.guardianCount[g * S + s]!++;
  }

  remove(p: number): number {
    const S = this.model.sittingCount;
    const s = this.assigned[p]!;
    this.assigned[p] = -1;
    this.count[s]!--;
    this.mentorCount[this.model.mentorOf[p]! * S + s]!--;
    for (const g of this.model.guardiansOf[p]!) this.guardianCount[g * S + s]!--;
    return s;
  }

  hasRoom(s: number): boolean {
    return this.count[s]! < this.model.capacity[s]!;
  }

  /** Ruled out by a fixed time: the guardians cannot, or a sibling's talk elsewhere overlaps. */
  isUnavailable(p: number, s: number): boolean {
    return this.model.unavailable[p * this.model.sittingCount + s] !== 0;
  }

  /** Which fixed times rule sitting s out for p (bits UNAVAILABLE, SIBLING_ELSEWHERE). */
  blockedBy(p: number, s: number): number {
    return this.model.unavailable[p * this.model.sittingCount + s]!;
  }

  /** A sibling (any pupil sharing a guardian) sits in a sitting overlapping s. The pupil itself must not be placed. */
  siblingBlocked(p: number, s: number): boolean {
    const S = this.model.sittingCount;
    const overlapping = this.model.overlapping[s]!;
    for (const g of this.model.guardiansOf[p]!) {
      for (const t of overlapping) if (this.guardianCount[g * S + t]! > 0) return true;
    }
    return false;
  }

  canPlace(p: number, s: number): boolean {
    return this.hasRoom(s) && !this.isUnavailable(p, s) && !this.siblingBlocked(p, s);
  }

  /** How much the objective grows when the (unplaced) pupil is added to s. */
  cost(p: number, s: number): number {
    const inverseWeight = this.model.inverseWeight[s]!;
    const mentorCount = this.mentorCount[this.model.mentorOf[p]! * this.model.sittingCount + s]!;
    return (LOAD_WEIGHT * (2 * this.count[s]! + 1) + MENTOR_WEIGHT * (2 * mentorCount + 1)) * inverseWeight;
  }

  /** Mentor part of moving a placed pupil from one sitting to another (the load part cancels in a swap). */
  mentorGain(p: number, from: number, to: number): number {
    const base = this.model.mentorOf[p]! * this.model.sittingCount;
    const inverse = this.model.inverseWeight;
    return MENTOR_WEIGHT * ((2 * this.mentorCount[base + to]! + 1) * inverse[to]! - (2 * this.mentorCount[base + from]! - 1) * inverse[from]!);
  }

  /** The cheapest sitting the pupil may go to, ties to the earlier sitting; -1 if none. */
  bestSitting(p: number): number {
    let best = -1;
    let bestCost = Infinity;
    for (let s = 0; s < this.model.sittingCount; s++) {
      if (!this.canPlace(p, s)) continue;
      const cost = this.cost(p, s);
      if (cost < bestCost - EPS) {
        best = s;
        bestCost = cost;
      }
    }
    return best;
  }

  placeBest(p: number): boolean {
    const s = this.bestSitting(p);
    if (s < 0) return false;
    this.add(p, s);
    return true;
  }
}

/** Sibling groups: union-find over shared guardian ids. Returns each pupil's group root. */
function siblingGroups(model: Model): Int32Array {
  const parent = Int32Array.from({ length: model.pupilCount }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const members of model.pupilsOfGuardian) {
    for (let i = 1; i < members.length; i++) {
      const a = find(members[0]!);
      const b = find(members[i]!);
      // The smaller index as root keeps the grouping independent of union order.
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  return Int32Array.from({ length: model.pupilCount }, (_, i) => find(i));
}

/**
 * Most constrained first: sibling groups (single pupils are groups of one) by their fewest open
 * sittings (after fixed pupils), larger groups before smaller at a tie (their choices cut each
 * other's), then by id; within a group fewest open sittings first, then most siblings.
 */
function placementOrder(state: PlacementState): number[][] {
  const { model } = state;
  const open = new Int32Array(model.pupilCount);
  const free: number[] = [];
  for (let p = 0; p < model.pupilCount; p++) {
    if (state.assigned[p]! >= 0) continue;
    free.push(p);
    let n = 0;
    for (let s = 0; s < model.sittingCount; s++) if (state.canPlace(p, s)) n++;
    open[p] = n;
  }
  const root = siblingGroups(model);
  const groupOpen = new Map<number, number>();
  const groupSize = new Map<number, number>();
  for (const p of free) {
    const r = root[p]!;
    groupOpen.set(r, Math.min(groupOpen.get(r) ?? Infinity, open[p]!));
    groupSize.set(r, (groupSize.get(r) ?? 0) + 1);
  }
  const siblingCount = (p: number) => new Set(Array.from(model.guardiansOf[p]!, (g) => [...model.pupilsOfGuardian[g]!]).flat()).size;
  free.sort((a, b) => {
    const ra = root[a]!;
    const rb = root[b]!;
    if (ra !== rb) return groupOpen.get(ra)! - groupOpen.get(rb)! || groupSize.get(rb)! - groupSize.get(ra)! || ra - rb;
    return open[a]! - open[b]! || (groupSize.get(ra)! > 1 ? siblingCount(b) - siblingCount(a) : 0) || a - b;
  });
  const groups: number[][] = [];
  free.forEach((p, i) => {
    if (i > 0 && root[free[i - 1]!] === root[p]) groups[groups.length - 1]!.push(p);
    else groups.push([p]);
  });
  return groups;
}

/**
 * Places a sibling group. Greedy first; if that leaves a member out, a bounded depth-first search
 * over the group's sittings (greedy path first, so never worse) finds the most members placed at
 * the lowest cost: one sibling's choice can shut the others out, which greedy cannot see.
 */
function placeGroup(state: PlacementState, members: number[], search: boolean): number[] {
  const placed = members.filter((p) => state.placeBest(p));
  if (placed.length === members.length || !search) return members.filter((p) => state.assigned[p]! < 0);
  for (const p of placed) state.remove(p);

  const k = members.length;
  const current = new Int32Array(k).fill(-1);
  let best = { placed: -1, cost: Infinity, sittings: current.slice() };
  let budget = GROUP_SEARCH_NODES;
  const visit = (i: number, placedSoFar: number, cost: number): void => {
    if (budget-- <= 0) return;
    const reachable = placedSoFar + (k - i);
    // Costs only grow, so a branch that cannot place more than the best cannot beat it.
    if (reachable < best.placed || (reachable === best.placed && cost >= best.cost - EPS)) return;
    if (i === k) {
      best = { placed: placedSoFar, cost, sittings: current.slice() };
      return;
    }
    const p = members[i]!;
    const options: Array<{ s: number; cost: number }> = [];
    for (let s = 0; s < state.model.sittingCount; s++) if (state.canPlace(p, s)) options.push({ s, cost: state.cost(p, s) });
    options.sort((a, b) => a.cost - b.cost || a.s - b.s);
    for (const option of options) {
      state.add(p, option.s);
      current[i] = option.s;
      visit(i + 1, placedSoFar + 1, cost + option.cost);
      state.remove(p);
      current[i] = -1;
    }
    visit(i + 1, placedSoFar, cost);
  };
  visit(0, 0, 0);
  // Only a group larger than the budget (bad data) can end without a full path: fall back to greedy.
  if (best.placed < 0) return members.filter((p) => !state.placeBest(p));
  best.sittings.forEach((s, i) => s >= 0 && state.add(members[i]!, s));
  return members.filter((p) => state.assigned[p]! < 0);
}

/** Pupils sharing a guardian with p that sit in a sitting overlapping s, without duplicates. */
function placedSiblingsOverlapping(state: PlacementState, p: number, s: number): number[] {
  const { model } = state;
  const found: number[] = [];
  for (const g of model.guardiansOf[p]!) {
    for (const q of model.pupilsOfGuardian[g]!) {
      const at = state.assigned[q]!;
      if (q !== p && at >= 0 && model.overlap[s * model.sittingCount + at] === 1 && !found.includes(q)) found.push(q);
    }
  }
  return found;
}

/**
 * Places an unplaced pupil by moving one placed, non-fixed pupil elsewhere: either someone in a full
 * sitting (to free a place) or the one sibling in the way. Picks the cheapest such move.
 */
function repairPupil(state: PlacementState, p: number): boolean {
  if (state.placeBest(p)) return true;
  const { model } = state;
  const S = model.sittingCount;
  let anyRoom = false;
  for (let t = 0; t < S; t++) if (state.hasRoom(t)) anyRoom = true;
  // The moved pupil needs a free place somewhere.
  if (!anyRoom) return false;

  let best: { s: number; q: number; t: number; score: number } | null = null;
  for (let s = 0; s < S; s++) {
    if (state.isUnavailable(p, s)) continue;
    const blockers = placedSiblingsOverlapping(state, p, s);
    let movable: number[];
    if (blockers.length > 1) continue;
    if (blockers.length === 1) {
      const q = blockers[0]!;
      if (model.fixedAt[q]! >= 0 || (!state.hasRoom(s) && state.assigned[q] !== s)) continue;
      movable = [q];
    } else {
      movable = [];
      for (let q = 0; q < model.pupilCount; q++) if (state.assigned[q] === s && model.fixedAt[q]! < 0) movable.push(q);
    }
    for (const q of movable) {
      const from = state.remove(q);
      if (state.canPlace(p, s)) {
        const costP = state.cost(p, s);
        state.add(p, s);
        for (let t = 0; t < S; t++) {
          if (t === from || !state.canPlace(q, t)) continue;
          const score = costP + state.cost(q, t);
          if (!best || score < best.score - EPS) best = { s, q, t, score };
        }
        state.remove(p);
      }
      state.add(q, from);
    }
  }
  if (!best) return false;
  state.remove(best.q);
  state.add(p, best.s);
  state.add(best.q, best.t);
  return true;
}

/** Moves each non-fixed pupil to its cheapest allowed sitting when that lowers the objective. */
function moveSweep(state: PlacementState): boolean {
  const { model } = state;
  let improved = false;
  for (let p = 0; p < model.pupilCount; p++) {
    if (state.assigned[p]! < 0 || model.fixedAt[p]! >= 0) continue;
    const from = state.remove(p);
    const stay = state.cost(p, from);
    const to = state.bestSitting(p);
    if (to >= 0 && to !== from && state.cost(p, to) < stay - EPS) {
      state.add(p, to);
      improved = true;
    } else {
      state.add(p, from);
    }
  }
  return improved;
}

/**
 * Swaps two pupils of different mentors between two sittings when that evens out the mentors.
 * Numbers per sitting stay the same, so this reaches spreads that single moves cannot (a move would
 * unbalance the numbers by as much as it helps the mentor).
 */
function swapSweep(state: PlacementState): boolean {
  const { model } = state;
  const S = model.sittingCount;
  const members: number[][] = Array.from({ length: S }, () => []);
  for (let p = 0; p < model.pupilCount; p++) {
    const s = state.assigned[p]!;
    if (s >= 0 && model.fixedAt[p]! < 0) members[s]!.push(p);
  }
  let improved = false;
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < S; t++) {
      if (s === t) continue;
      for (const p of members[s]!) {
        if (state.assigned[p] !== s || state.isUnavailable(p, t)) continue;
        const gainP = state.mentorGain(p, s, t);
        if (gainP >= -EPS) continue;
        for (const q of members[t]!) {
          if (state.assigned[q] !== t || model.mentorOf[q] === model.mentorOf[p] || state.isUnavailable(q, s)) continue;
          if (gainP + state.mentorGain(q, t, s) >= -EPS) continue;
          state.remove(p);
          state.remove(q);
          if (!state.siblingBlocked(p, t)) {
            state.add(p, t);
            if (!state.siblingBlocked(q, s)) {
              state.add(q, s);
              improved = true;
              break;
            }
            state.remove(p);
          }
          state.add(p, s);
          state.add(q, t);
        }
      }
    }
  }
  return improved;
}

function improve(state: PlacementState): void {
  for (let round = 0; round < MAX_IMPROVE_ROUNDS; round++) {
    const moved = moveSweep(state);
    const swapped = swapSweep(state);
    if (!moved && !swapped) return;
  }
}

/** Constraints that rule out sitting s for pupil p in the current state (p itself not placed). */
function violations(state: PlacementState, p: number, s: number, into: Set<PlacementConstraint>): void {
  if (!state.hasRoom(s)) into.add("capacity");
  const blocked = state.blockedBy(p, s);
  if (state.siblingBlocked(p, s) || blocked & SIBLING_ELSEWHERE) into.add("sibling");
  if (blocked & UNAVAILABLE) into.add("unavailable");
}

export function placePupils(sittings: PlacementSitting[], pupils: PlacementPupil[], options: PlacementOptions = {}): PlacementResult {
  const model = buildModel(sittings, pupils);
  const state = new PlacementState(model);
  // Fixed pupils first, even where they break a rule: a person decided.
  for (let p = 0; p < model.pupilCount; p++) if (model.fixedAt[p]! >= 0) state.add(p, model.fixedAt[p]!);

  // Still most-constrained first, as the greedy pass left them.
  let unplaced = placementOrder(state).flatMap((group) => placeGroup(state, group, options.repair !== false));
  const placeRest = () => {
    unplaced = unplaced.filter((p) => !(options.repair === false ? state.placeBest(p) : repairPupil(state, p)));
  };
  placeRest();
  if (options.improve !== false) {
    improve(state);
    // Evening out can open a place that a pupil left over could not get before.
    if (unplaced.length > 0) {
      const before = unplaced.length;
      placeRest();
      if (unplaced.length < before) improve(state);
    }
  }

  const assignments: Record<string, string> = {};
  for (let p = 0; p < model.pupilCount; p++) {
    const s = state.assigned[p]!;
    if (s >= 0) assignments[model.pupils[p]!.id] = sittings[s]!.id;
  }
  const reported = unplaced
    .sort((a, b) => a - b)
    .map((p): UnplacedPupil => {
      const reasons = new Set<PlacementConstraint>();
      for (let s = 0; s < model.sittingCount; s++) violations(state, p, s, reasons);
      // With no sittings at all there is simply no room.
      if (reasons.size === 0) reasons.add("capacity");
      return { pupilId: model.pupils[p]!.id, reasons: [...reasons].sort() };
    });
  return { assignments, unplaced: reported };
}

/** Loads given assignments (pupils or sittings not in the input are ignored). */
function stateFromAssignments(model: Model, assignments: Record<string, string>): PlacementState {
  const state = new PlacementState(model);
  for (const [pupilId, sittingId] of Object.entries(assignments)) {
    const p = model.pupilIndex.get(pupilId);
    const s = model.sittingIndex.get(sittingId);
    if (p !== undefined && s !== undefined) state.add(p, s);
  }
  return state;
}

/** Why a (manual) move of one pupil into a sitting would break a rule, given current assignments; [] = fine. Capacity counts the sitting without the pupil itself. */
export function moveViolations(
  sittings: PlacementSitting[],
  pupils: PlacementPupil[],
  assignments: Record<string, string>,
  pupilId: string,
  sittingId: string,
): PlacementConstraint[] {
  return createMoveChecker(sittings, pupils, assignments)(pupilId, sittingId);
}

/**
 * moveViolations for many checks against the same assignments: the tables are built once, so
 * checking every sitting for every pupil left over costs microseconds each instead of a rebuild.
 */
export function createMoveChecker(
  sittings: PlacementSitting[],
  pupils: PlacementPupil[],
  assignments: Record<string, string>,
): (pupilId: string, sittingId: string) => PlacementConstraint[] {
  const model = buildModel(sittings, pupils);
  const state = stateFromAssignments(model, assignments);
  return (pupilId, sittingId) => {
    const p = model.pupilIndex.get(pupilId);
    const s = model.sittingIndex.get(sittingId);
    if (p === undefined) throw new Error(`Unknown pupil ${pupilId}`);
    if (s === undefined) throw new Error(`Unknown sitting ${sittingId}`);
    const current = state.assigned[p]!;
    if (current >= 0) state.remove(p);
    const found = new Set<PlacementConstraint>();
    violations(state, p, s, found);
    if (current >= 0) state.add(p, current);
    return [...found].sort();
  };
}

/** Counts per sitting and per mentor, in sitting order (assignments of unknown pupils or sittings are ignored). */
export function summarizePlacement(sittings: PlacementSitting[], pupils: PlacementPupil[], assignments: Record<string, string>): PlacementSummary {
  const model = buildModel(sittings, pupils);
  const state = stateFromAssignments(model, assignments);
  const S = model.sittingCount;
  const mentorOrder = model.mentorIds.map((id, m) => ({ id, m })).sort((a, b) => byCodeUnits(a.id, b.id));
  return {
    perSitting: sittings.map((sitting, s) => {
      const perMentor: Record<string, number> = {};
      for (const { id, m } of mentorOrder) {
        const n = state.mentorCount[m * S + s]!;
        if (n > 0) perMentor[id] = n;
      }
      return { sittingId: sitting.id, count: state.count[s]!, capacity: sitting.capacity, perMentor };
    }),
  };
}

/**
 * The largest gap between a mentor's count in a sitting and their ideal share (the mentor's placed
 * pupils spread in proportion to capacity). 12 pupils over 3 equal sittings as 4/4/4 give 0; 25 over
 * 9 cannot do better than about 0.78.
 */
export function mentorSpreadDeviation(sittings: PlacementSitting[], pupils: PlacementPupil[], assignments: Record<string, string>): number {
  const model = buildModel(sittings, pupils);
  const state = stateFromAssignments(model, assignments);
  const S = model.sittingCount;
  const share = Array.from(model.inverseWeight, (w) => 1 / w);
  const totalShare = share.reduce((a, b) => a + b, 0);
  let worst = 0;
  for (let m = 0; m < model.mentorIds.length; m++) {
    let placed = 0;
    for (let s = 0; s < S; s++) placed += state.mentorCount[m * S + s]!;
    for (let s = 0; s < S; s++) worst = Math.max(worst, Math.abs(state.mentorCount[m * S + s]! - (placed * share[s]!) / totalShare));
  }
  return worst;
}
