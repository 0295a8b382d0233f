/**
 * One client process of `npm run bench:day` (forked by day.ts): the people of some talks — each
 * pupil, the guardians who come, the talks' mentors — and the teachers those talks call, all
 * acting on the parent's schedule. Protocol (process IPC): run → done.
 *
 * Durations inside a talk are fractions of its length (`talkMs`), so a compressed talk day keeps
 * the shape of a real one; typing is at a person's pace whatever the compression.
 */
import { ChangeLedger, Device, PlanEdits, Recorder, latencyKinds, now, sleep, type LatencyKind, type RouteData, type World } from "./day-client";
import type { CastStaff, CastTalk } from "./day-school";

export interface DayTimeline {
  /** hrtime milliseconds at which the first arrivals begin (the same clock in every process). */
  t0: number;
  /** How long before its sitting people arrive (sign in, open the home page and the talk). */
  arrivalMs: number;
  talkMs: number;
  /** The day's sittings this run plays, in order: the k-th starts at t0 + arrivalMs + k × talkMs. */
  sittings: number[];
  /** After t0: whatever is still open is closed, and a talk not finished by then is an error. */
  deadlineMs: number;
  /** How often the sitting board reloads (the page's own timer). */
  boardRefreshMs: number;
  /** The smoke run: every talk calls a teacher, so that every kind of activity happens. */
  everyTalkCalls: boolean;
  password: string;
}

export type FleetCommand = { kind: "run"; base: string; timeline: DayTimeline; talks: CastTalk[]; staff: CastStaff[] };
export type FleetReady = { kind: "ready" };
export type FleetReply = {
  kind: "done";
  latencies: Record<LatencyKind, Float64Array>;
  counts: Record<string, number>;
  errors: Record<string, { count: number; examples: string[] }>;
};

const between = (low: number, high: number) => low + Math.random() * (high - low);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

interface SigningView {
  planStatus: string;
  version: { number: number; status: string; contentHash: string } | null;
  missing: string[];
  proof: string;
}

/** The signing step as the page shows it, from the talk view's or the plan page's data. */
function signingOf(data: RouteData | null): SigningView | null {
  for (const route of Object.values(data ?? {})) {
    const value = route?.data as Record<string, unknown> | undefined;
    if (!value || typeof value !== "object" || !("proof" in value)) continue;
    const page = ("page" in value ? value.page : value) as {
      plan: { status: string };
      signing: { version: SigningView["version"]; missing: Array<{ personId: string }> };
    };
    return {
      planStatus: page.plan.status,
      version: page.signing.version,
      missing: page.signing.missing.map((m) => m.personId),
      proof: (value.proof as { kind: string }).kind,
    };
  }
  return null;
}

/** Teachers' calls in the root data (shown on every page of staff who receive calls). */
function callsOf(data: RouteData | null): Array<{ id: string; talkId: string; acknowledged: boolean }> {
  const root = data?.root?.data as { calls?: Array<{ id: string; talkId: string; acknowledged: boolean }> } | undefined;
  return root?.calls ?? [];
}

class Fleet implements World {
  readonly wsBase: string;
  readonly recorder: Recorder;
  readonly ledger: ChangeLedger;
  readonly talks = new Map<string, TalkActor>();
  readonly staff = new Map<string, StaffActor>();
  readonly claimedCalls = new Set<string>();
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly base: string,
    readonly timeline: DayTimeline,
  ) {
    this.wsBase = base.replace(/^http/, "ws");
    this.recorder = new Recorder(timeline.t0);
    this.ledger = new ChangeLedger(this.recorder);
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  get talkMs(): number {
    return this.timeline.talkMs;
  }

  sittingStart(sitting: number): number {
    return this.timeline.t0 + this.timeline.arrivalMs + this.timeline.sittings.indexOf(sitting) * this.timeline.talkMs;
  }

  /** Runs `task` at an absolute time; its failure is an error of the run, never a crash. */
  at(time: number, task: () => Promise<void> | void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.guard(task);
    }, Math.max(0, time - now()));
    this.timers.add(timer);
  }

  guard(task: () => Promise<void> | void): void {
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => this.recorder.error("exception", error instanceof Error ? `${error.message} ${error.stack?.split("\n")[1] ?? ""}` : String(error)));
  }

  async run(talks: CastTalk[], staff: CastStaff[]): Promise<void> {
    for (const person of staff) this.staff.set(person.id, new StaffActor(this, person));
    for (const talk of talks) this.talks.set(talk.talkId, new TalkActor(this, talk));
    for (const actor of this.staff.values()) actor.schedule();
    for (const actor of this.talks.values()) actor.schedule();
    const deadline = this.timeline.t0 + this.timeline.deadlineMs;
    while (now() < deadline && [...this.talks.values()].some((t) => !t.finished)) await sleep(250);
    for (const timer of this.timers) clearTimeout(timer);
    for (const talk of this.talks.values()) if (!talk.finished) this.recorder.error("talk not finished by the deadline", talk.stage);
    await Promise.all([...this.talks.values()].map((t) => t.closeAll()));
    await Promise.all([...this.staff.values()].map((s) => s.leave()));
  }
}

// ---------- staff: mentors lead, lock and sign; teachers answer calls ----------

class StaffActor {
  readonly device: Device;
  /** The page the person has open: its path and the plan it shows. */
  private path = "/";
  private planId: string | null = null;
  /** Where the person goes back to: the home page, or the board of the sitting under way. */
  private home = "/";
  private queue: Promise<void> = Promise.resolve();
  private reloadTimer: NodeJS.Timeout | null = null;
  private boardTimer: NodeJS.Timeout | null = null;
  private present = false;

  constructor(
    private readonly fleet: Fleet,
    readonly cast: CastStaff,
  ) {
    this.device = new Device(fleet, cast);
  }

  /** One page at a time: what the person does next waits for what they are doing. */
  enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(() => new Promise<void>((resolve) => this.fleet.guard(() => task().finally(resolve))));
  }

  schedule(): void {
    const { timeline } = this.fleet;
    // Staff are there for the first sitting.
    this.fleet.at(timeline.t0 + between(0, 0.5) * timeline.arrivalMs, () => this.enqueue(() => this.arrive()));
    if (!this.cast.mentor) return;
    for (const sitting of timeline.sittings) {
      const first = [...this.fleet.talks.values()].find((t) => t.cast.mentorId === this.cast.id && t.cast.sitting === sitting);
      if (first) this.fleet.at(this.fleet.sittingStart(sitting) - between(0.1, 0.4) * timeline.arrivalMs, () => this.enqueue(() => this.toBoard(first)));
    }
  }

  private async arrive(): Promise<void> {
    if (!(await this.device.signIn(this.fleet.timeline.password))) return;
    this.present = true;
    await this.device.page("/");
    await this.device.listen(null, () => this.scheduleReload());
    // The sitting board reloads itself (who has the plans open is not pushed).
    this.boardTimer = setInterval(() => {
      if (this.path.includes("/sittings/")) this.fleet.guard(async () => void (await this.reload()));
    }, this.fleet.timeline.boardRefreshMs);
  }

  /** A burst of events becomes one reload, as in the browser (use-live-events). */
  private scheduleReload(): void {
    if (this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      this.fleet.guard(async () => void (await this.reload()));
    }, 150);
  }

  /** Revalidates the page: its data, which for staff carries the calls waiting for them. */
  async reload(): Promise<RouteData | null> {
    if (!this.present) return null;
    const data = await this.device.data(this.path);
    this.noticeCalls(data);
    return data;
  }

  private noticeCalls(data: RouteData | null): void {
    for (const call of callsOf(data)) {
      if (call.acknowledged || this.fleet.claimedCalls.has(call.id)) continue;
      const talk = this.fleet.talks.get(call.talkId);
      if (!talk?.cast.call?.teacherIds.includes(this.cast.id)) continue;
      this.fleet.claimedCalls.add(call.id);
      this.enqueue(() => this.answer(call.id, talk));
    }
  }

  /** A client-side navigation: the new page's data; its event stream and plan socket follow the page. */
  private async goTo(path: string, talk: TalkActor | null): Promise<void> {
    if (!this.present) return;
    this.path = path;
    this.noticeCalls(await this.device.data(path));
    const planId = talk?.cast.planId ?? null;
    if (planId !== this.planId || !this.device.stream) {
      this.planId = planId;
      await this.device.listen(planId, () => this.scheduleReload());
    }
    if (talk) {
      // Mentors write in their pupils' plans, teachers read.
      if (this.device.socket?.planId !== talk.cast.planId) await this.device.connect(talk.cast.planId, talk.cast.mentorIds.includes(this.cast.id), talk.edits);
    } else {
      this.device.disconnect();
    }
  }

  private boardOf(talk: TalkActor): string {
    return `/talk-days/${talk.cast.eventId}/sittings/${talk.cast.sittingId}`;
  }

  private async toBoard(talk: TalkActor): Promise<void> {
    this.home = this.boardOf(talk);
    await this.goTo(this.home, null);
  }

  /** The mentor looks in on a talk for a while; a guardian at home is first checked on the board. */
  async midVisit(talk: TalkActor): Promise<void> {
    if (!this.present) return;
    const board = this.boardOf(talk);
    if (this.path !== board) await this.goTo(board, null);
    for (const guardian of talk.cast.guardians.filter((g) => g.remote && talk.isPresent(g.id))) {
      const checked = await this.fleet.ledger.change([{ key: `plan:${talk.cast.planId}`, kind: "talk" }], () =>
        this.device.act(board, [
          ["intent", "identity"],
          ["talkId", talk.cast.talkId],
          ["guardianId", guardian.id],
        ]),
      );
      if (checked) this.fleet.recorder.count("identityChecks");
      await this.reload();
    }
    await this.goTo(`/talks/${talk.cast.talkId}`, talk);
    this.fleet.recorder.count("mentorVisits");
    await sleep(between(0.04, 0.08) * this.fleet.talkMs);
    await this.goTo(this.home, null);
  }

  /** The end of a talk: lock (choosing the guardians who came), wait for the family to sign, sign. */
  async endVisit(talk: TalkActor): Promise<void> {
    if (!this.present) return;
    await talk.notesStarted;
    const { ledger, recorder } = this.fleet;
    const { planId, talkId } = talk.cast;
    const plan = { key: `plan:${planId}`, kind: "status" };
    await this.goTo(`/talks/${talkId}`, talk);
    talk.stage = "locking";
    talk.edits.locked = true;
    const locked = await ledger.change([plan], () =>
      this.device.act(`/plans/${planId}`, [["intent", "lock"], ...talk.cast.guardians.map((g): [string, string] => ["guardian", g.id])]),
    );
    if (!locked) return;
    recorder.count("locks");
    talk.stage = "signing";
    await this.reload();
    const familySigned = await Promise.race([talk.familySigned.then(() => true), sleep(0.5 * this.fleet.talkMs + 30_000).then(() => false)]);
    if (!familySigned) {
      recorder.error("the family did not sign in time");
      return;
    }
    const step = signingOf(await this.reload());
    if (!step?.version || !step.missing.includes(this.cast.id)) {
      recorder.error("the mentor's signing step is missing", `talk ${talkId}`);
      return;
    }
    const signed = await ledger.change([plan], () => signPlan(this.device, planId, step, this.fleet.timeline.password));
    if (signed) recorder.count("signatures");
    await this.reload();
    await this.goTo(this.home, null);
  }

  /** "Jag kommer", then to the talk to read along for a while, then back. */
  private async answer(callId: string, talk: TalkActor): Promise<void> {
    if (!this.present) return;
    await sleep(between(0.01, 0.02) * this.fleet.talkMs);
    const told = [...new Set([...talk.cast.call!.teacherIds, ...talk.cast.mentorIds])];
    const answered = await this.fleet.ledger.change(
      [{ key: `plan:${talk.cast.planId}`, kind: "talk" }, ...told.map((id) => ({ key: `person:${id}`, kind: "calls" }))],
      () => this.device.act(`/calls/${callId}`, [["intent", "acknowledge"]], true),
    );
    if (!answered) return;
    this.fleet.recorder.count("callsAnswered");
    await this.reload();
    if (talk.finished) return;
    await this.goTo(`/talks/${talk.cast.talkId}`, talk);
    this.fleet.recorder.count("teacherVisits");
    await sleep(between(0.06, 0.12) * this.fleet.talkMs);
    await this.goTo(this.home, null);
  }

  /** At the end of the run: what the person still meant to do is dropped (each step checks `present`), what they are doing ends. */
  async leave(): Promise<void> {
    if (this.boardTimer) clearInterval(this.boardTimer);
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.present = false;
    await this.queue.catch(() => {});
    await this.device.leave();
  }
}

/** The sign form as the step showed it; the password when it asked for one (or asks again on pressing). */
function signPlan(device: Device, planId: string, step: SigningView, password: string): Promise<boolean> {
  const fields = (withPassword: boolean): Array<[string, string]> => [
    ["intent", "sign"],
    ["version", String(step.version!.number)],
    ["contentHash", step.version!.contentHash],
    // The page asks for the password again when the last sign-in is over five minutes old.
    ...(withPassword ? ([["password", password]] as Array<[string, string]>) : []),
  ];
  return device.sign(`/plans/${planId}`, fields, step.proof === "password");
}

// ---------- a talk: the pupil and the guardians who come ----------

class TalkActor {
  readonly edits = new PlanEdits();
  readonly pupil: Device;
  readonly guardians: Device[];
  /** Where each device is: the talk view, or (a guardian looking around) the plan page. */
  private readonly paths = new Map<Device, string>();
  private readonly reloadTimers = new Map<Device, NodeJS.Timeout>();
  private readonly signing = new Set<string>();
  private readonly leaving = new Set<Device>();
  private readonly gone = new Set<Device>();
  private readonly arrived = new Set<string>();
  private resolveFamilySigned!: () => void;
  readonly familySigned = new Promise<void>((resolve) => (this.resolveFamilySigned = resolve));
  private readonly familySignatures = new Set<string>();
  private pupilArrived!: (here: boolean) => void;
  /** Whether the pupil is here (she leads: nothing of the talk happens before she has arrived). */
  private readonly pupilHere = new Promise<boolean>((resolve) => (this.pupilArrived = resolve));
  private notesBegun!: () => void;
  /** The pupil has written her first words, or never will (she did not get here). The mentor locks
   * only after it: notes come before the lock, however late she came (on a busy machine a smoke
   * run's pupil could arrive after its whole typing window and write nothing). */
  readonly notesStarted = new Promise<void>((resolve) => (this.notesBegun = resolve));
  private fragment = "about";
  private typingUntil = 0;
  finished = false;
  /** Where the talk got to, for the report of one that did not finish. */
  stage = "arriving";

  constructor(
    private readonly fleet: Fleet,
    readonly cast: CastTalk,
  ) {
    this.pupil = new Device(fleet, cast.pupil);
    this.guardians = cast.guardians.map((g) => new Device(fleet, g));
    this.fragment = cast.fragments[0] ?? "about";
  }

  private get talkPath(): string {
    return `/talks/${this.cast.talkId}`;
  }

  isPresent(personId: string): boolean {
    return this.arrived.has(personId);
  }

  schedule(): void {
    const { fleet, cast } = this;
    const L = fleet.talkMs;
    const A = fleet.timeline.arrivalMs;
    const start = fleet.sittingStart(cast.sitting);
    const mentor = fleet.staff.get(cast.mentorId);
    if (!mentor) throw new Error("a talk's mentor must be in its client process");

    fleet.at(start - between(0.1, 1) * A, () => this.arrivePupil());
    for (const guardian of this.guardians) fleet.at(start - between(0.05, 1) * A, () => this.arriveGuardian(guardian));
    fleet.at(start + between(0, 0.03) * L, () => this.lead([["intent", "start"]], "clockStarts"));

    // The agenda: the pupil's own part, a few subjects (the one she calls a teacher for among them), her goals.
    const subjects = cast.fragments.filter((f) => f.startsWith("subject-") && f !== cast.call?.fragment);
    const chosen = new Set<string>(["about", "goals", ...(cast.call ? [cast.call.fragment] : [])]);
    while (chosen.size < Math.min(6, cast.fragments.length) && subjects.some((f) => !chosen.has(f))) chosen.add(pick(subjects));
    const agenda = cast.fragments.filter((f) => chosen.has(f));
    // Each talk walks its agenda at its own pace: the first step comes 3–8 % into the talk, each
    // later one up to 40 % of a step's time early or late. (In lock-step, every pupil of the
    // sitting pressed "next" in the same millisecond: a burst no real sitting makes, whose last
    // request waited for all the others.)
    agenda.forEach((fragment, i) => {
      const at = start + (i === 0 ? between(0.03, 0.08) : 0.05 + ((i + between(-0.4, 0.4)) * 0.6) / agenda.length) * L;
      fleet.at(at, () => {
        this.fragment = fragment;
        return this.lead(
          [
            ["intent", "section"],
            ["fragment", fragment],
          ],
          "sectionChanges",
        );
      });
      if (fragment === cast.call?.fragment) fleet.at(at + between(0.01, 0.03) * L, () => this.callTeacher());
    });
    this.typingUntil = start + 0.72 * L;

    for (const guardian of this.guardians) fleet.at(start + between(0.2, 0.6) * L, () => this.lookAround(guardian));
    fleet.at(start + between(0.1, 0.45) * L, () => mentor.enqueue(() => mentor.midVisit(this)));
    fleet.at(start + (0.75 + between(0, 0.03)) * L, () => mentor.enqueue(() => mentor.endVisit(this)));
  }

  private async arrive(device: Device): Promise<boolean> {
    if (!(await device.signIn(this.fleet.timeline.password))) return false;
    await device.page("/");
    // "Öppna samtalsvyn": a client-side navigation to the talk view.
    this.paths.set(device, this.talkPath);
    await device.data(this.talkPath);
    await device.listen(this.cast.planId, () => this.scheduleReload(device));
    this.arrived.add(device.person.id);
    return true;
  }

  private async arrivePupil(): Promise<void> {
    try {
      const here = await this.arrive(this.pupil);
      this.pupilArrived(here);
      if (!here) return;
      const socket = await this.pupil.connect(this.cast.planId, true, this.edits);
      if (!socket) return;
      this.edits.typistClient = socket.doc.clientID;
      this.stage = "talking";
      await this.typeNotes();
    } finally {
      this.notesBegun();
    }
  }

  private async arriveGuardian(device: Device): Promise<void> {
    if (!(await this.arrive(device))) return;
    await device.connect(this.cast.planId, false, this.edits);
  }

  /** The pupil writes notes in the section the talk is at: a few words at typing speed, then talks. */
  private async typeNotes(): Promise<void> {
    const socket = this.pupil.socket;
    // A first word whenever she arrives (the talk waits for it), then words while the talk runs.
    for (let i = 0; i < 5 && socket && this.pupil.socket === socket && !this.edits.locked; i++) {
      socket.type(this.fragment, String.fromCharCode(97 + Math.floor(Math.random() * 26)));
      await sleep(between(120, 260));
    }
    this.notesBegun();
    while (socket && this.pupil.socket === socket && now() < this.typingUntil && !this.edits.locked) {
      const words = 10 + Math.floor(Math.random() * 30);
      for (let i = 0; i < words && now() < this.typingUntil && this.pupil.socket === socket && !this.edits.locked; i++) {
        socket.type(this.fragment, String.fromCharCode(97 + Math.floor(Math.random() * 26)));
        await sleep(between(120, 260));
      }
      await sleep(between(0.02, 0.06) * this.fleet.talkMs);
    }
  }

  /** Something the pupil does as the one leading the talk (the clock, the agenda); views following her reload. */
  private async lead(fields: Array<[string, string]>, counter: string): Promise<void> {
    if (!(await this.pupilHere) || this.edits.locked) return;
    const done = await this.fleet.ledger.change([{ key: `plan:${this.cast.planId}`, kind: "talk" }], () => this.pupil.act(this.talkPath, fields));
    if (done) this.fleet.recorder.count(counter);
    await this.reload(this.pupil);
  }

  /** "Kalla på lärare": reaches the subject's teachers and the mentors wherever they are. */
  private async callTeacher(): Promise<void> {
    const { call } = this.cast;
    if (!call || !(await this.pupilHere) || this.edits.locked) return;
    const told = [...new Set([...call.teacherIds, ...this.cast.mentorIds])];
    const done = await this.fleet.ledger.change(
      [{ key: `plan:${this.cast.planId}`, kind: "talk" }, ...told.map((id) => ({ key: `person:${id}`, kind: "calls" }))],
      () =>
        this.pupil.act(this.talkPath, [
          ["intent", "call"],
          ["subjectId", call.subjectId],
        ]),
    );
    if (done) this.fleet.recorder.count("calls");
    await this.reload(this.pupil);
  }

  /** A guardian moves around: reloads the talk view, or looks at the plan page and comes back. */
  private async lookAround(device: Device): Promise<void> {
    if (!this.arrived.has(device.person.id) || this.leaving.has(device) || this.gone.has(device)) return;
    if (Math.random() < 0.5) {
      device.disconnect();
      device.stopListening();
      await device.page(this.talkPath);
      await device.listen(this.cast.planId, () => this.scheduleReload(device));
      await device.connect(this.cast.planId, false, this.edits);
      this.fleet.recorder.count("pageReloads");
    } else {
      // The plan page and the talk view show the same plan: the stream and the socket stay.
      this.paths.set(device, `/plans/${this.cast.planId}`);
      await device.data(`/plans/${this.cast.planId}`);
      this.fleet.recorder.count("planPageVisits");
      await sleep(between(0.03, 0.06) * this.fleet.talkMs);
      if (this.gone.has(device) || this.leaving.has(device)) return;
      this.paths.set(device, this.talkPath);
      await device.data(this.talkPath);
    }
  }

  private scheduleReload(device: Device): void {
    if (this.reloadTimers.has(device)) return;
    this.reloadTimers.set(
      device,
      setTimeout(() => {
        this.reloadTimers.delete(device);
        this.fleet.guard(() => this.reload(device));
      }, 150),
    );
  }

  /** The page reloads its data; at the end of the talk that is how the family learns it is time to sign, and that all have. */
  private async reload(device: Device): Promise<void> {
    if (this.gone.has(device)) return;
    const step = signingOf(await device.data(this.paths.get(device) ?? this.talkPath));
    if (!step) return;
    const id = device.person.id;
    if (step.version?.status === "locked" && step.missing.includes(id) && !this.signing.has(id)) {
      this.signing.add(id);
      this.fleet.at(now() + between(0.007, 0.027) * this.fleet.talkMs, () => this.sign(device, step));
    }
    if (step.planStatus === "signed" && !this.leaving.has(device)) {
      this.leaving.add(device);
      this.fleet.at(now() + between(0.01, 0.05) * this.fleet.talkMs, () => this.leave(device));
    }
  }

  private async sign(device: Device, step: SigningView): Promise<void> {
    const signed = await this.fleet.ledger.change([{ key: `plan:${this.cast.planId}`, kind: "status" }], () =>
      signPlan(device, this.cast.planId, step, this.fleet.timeline.password),
    );
    if (signed) {
      this.fleet.recorder.count("signatures");
      this.familySignatures.add(device.person.id);
      if (this.familySignatures.size === 1 + this.guardians.length) this.resolveFamilySigned();
    }
    await this.reload(device);
  }

  private async leave(device: Device): Promise<void> {
    if (this.gone.has(device)) return;
    this.gone.add(device);
    const last = this.gone.size === 1 + this.guardians.length;
    // Guardians close the page on their phones; the pupil signs out of the school's computer.
    await device.leave(device !== this.pupil);
    if (last) {
      this.stage = "done";
      this.finished = true;
      this.fleet.recorder.count("talksFinished");
    }
  }

  async closeAll(): Promise<void> {
    for (const timer of this.reloadTimers.values()) clearTimeout(timer);
    await Promise.all([this.pupil, ...this.guardians].filter((d) => !this.gone.has(d)).map((d) => d.leave(d !== this.pupil)));
  }
}

// ---------- the process ----------

process.setMaxListeners(0);
process.on("message", (command: FleetCommand) => {
  if (command.kind !== "run") return;
  const fleet = new Fleet(command.base, command.timeline);
  fleet.run(command.talks, command.staff).then(
    () => {
      const latencies = Object.fromEntries(latencyKinds.map((k) => [k, Float64Array.from(fleet.recorder.latencies[k])])) as Record<LatencyKind, Float64Array>;
      process.send!({ kind: "done", latencies, counts: fleet.recorder.counts, errors: fleet.recorder.errors } satisfies FleetReply, () => process.exit(0));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.send!({ kind: "ready" } satisfies FleetReady);
