/**
 * `npm run bench:day`: a school's talk day at three times its real size against one server
 * process, and that process's ceiling. See README "Talk-day load". A benchmark, not a test:
 * nothing is asserted here (the smoke run in `npm test` checks that everything happened and
 * nothing failed). Prints a report, then one JSON object on the last line.
 *
 *   --scale N           concurrent talks (default 72: three times a year group's 24 per sitting)
 *   --minutes N         length of the talk-day run (default 20): the day's three sittings, compressed;
 *                       `--minutes 2` is a quick check of the whole machinery at full size
 *   --ceiling           after the talk-day run, the ceiling search (long: a few minutes a step)
 *   --ceiling-only      only the ceiling search
 *   --step-minutes N    talk length in a ceiling step (default 2; arrivals take half of that before)
 *   --ceiling-from N, --ceiling-max N   the step search's first and largest scale (72, 4608)
 *   --smoke             tiny numbers, a few seconds (tests/integration/bench-day-smoke.test.ts)
 *   (every `--name N` may also be written `--name=N`)
 *   BENCH_DAY_MINUTES (instead of --minutes), BENCH_CLIENT_PROCESSES (default 2),
 *   BENCH_PROFILE_DIR (a V8 CPU profile of the server per run), BENCH_SERVER_LOG (a file for the server's log lines)
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { latencyKinds, now, sleep, type LatencyKind } from "./day-client";
import type { DayTimeline, FleetCommand, FleetReady, FleetReply } from "./day-fleet";
import { DAY_PASSWORD, SITTINGS_PER_DAY, makeTalkDay, pupilsFor, seedDaySchool, type CastStaff, type CastTalk } from "./day-school";
import { startTestServer } from "../support/server";

const argument = (name: string): string | undefined => {
  const at = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const given = process.argv[at]!;
  if (given.includes("=")) return given.slice(given.indexOf("=") + 1);
  const next = process.argv[at + 1];
  if (next === undefined || next.startsWith("--")) throw new Error(`--${name} needs a value`);
  return next;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const numberArgument = (name: string, fallback: number) => {
  const raw = argument(name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${raw}`);
  return value;
};

const smoke = flag("smoke");
const scale = numberArgument("scale", smoke ? 3 : 72);
const minutes = numberArgument("minutes", Number(process.env.BENCH_DAY_MINUTES ?? 20));
const stepMinutes = numberArgument("step-minutes", 2);
const ceilingFrom = numberArgument("ceiling-from", 72);
const ceilingMax = numberArgument("ceiling-max", 4608);
const runDayToo = !flag("ceiling-only");
const runCeiling = !smoke && (flag("ceiling") || flag("ceiling-only"));
const clientProcesses = Number(process.env.BENCH_CLIENT_PROCESSES ?? 2);
/** BENCH_SERVER_LOG=file: the server's log lines (JSON, free of personal data) are appended there. */
const serverLogFile = process.env.BENCH_SERVER_LOG;
const profileArgs = () => (process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []);
// Each started server adds an exit hook; the ceiling search starts several.
process.setMaxListeners(50);

/** Ceiling criteria (issue 20): a step fails when edit propagation's p99 passes 100 ms or a page load's p99 passes 1 s. */
const CEILING = { editP99Ms: 100, pageP99Ms: 1000 };

// ---------- figures ----------

interface Quantiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

interface Sample {
  /** Seconds since the run's t0. */
  t: number;
  rssMB: number;
  /** The server's V8 heap in use and reserved (its own figures at /healthz). */
  heapUsedMB: number;
  heapTotalMB: number;
  /** The server's CPU over the last interval, % of one core: all threads, and its event loop alone. */
  cpu: number;
  loop: number;
  /** How long the event loop waited for a core, % of the interval: time the machine did not give it. */
  loopWait: number;
  /** The client processes' CPU over the interval, % of one core (they share the machine). */
  clients: number;
  connections: number;
  documents: number;
  listeners: number;
  load1: number;
}

export interface DayResult {
  scale: number;
  talks: number;
  sittings: number;
  talkMinutes: number;
  arrivalMinutes: number;
  durationS: number;
  latency: Record<LatencyKind, Quantiles>;
  byMinute: Array<{ minute: number; editP99: number; pageP99: number; dataP99: number; sseP99: number }>;
  counts: Record<string, number>;
  errors: { total: number; byKind: Record<string, { count: number; examples: string[] }> };
  server: {
    rssStartMB: number;
    rssPeakMB: number;
    rssEndMB: number;
    rssSlopeMBPerMin: number;
    heapStartMB: number;
    heapPeakMB: number;
    heapEndMB: number;
    heapSlopeMBPerMin: number;
    warmUpS: number;
    rssAtSittingEndsMB: number[];
    heapAtSittingEndsMB: number[]; cpuMeanPercent: number; loopMeanPercent: number; loopWaitMeanPercent: number; cpuPeakPercent: number; clientsMeanPercent: number };
  loadAverage: { min: number; mean: number; max: number };
  samples: Sample[];
  /** The server's own time per kind of request (its request log), the kinds that took most of it first; event streams left out. */
  serverSide: Array<{ request: string; totalS: number } & Quantiles>;
  /** What the server still held once every client had gone (given a few seconds to notice): a leak shows here. */
  left: { connections: number; documents: number; listeners: number; afterS: number };
}

const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : NaN);
const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(quantile(sorted, 0.5), 2), p95: round(quantile(sorted, 0.95), 2), p99: round(quantile(sorted, 0.99), 2), max: round(sorted.at(-1) ?? NaN, 2) };
}

/** The server's request log, by method and path with ids put as ":id" (a path holds only ids, never a name). */
class ServerTimes {
  private readonly byRequest = new Map<string, number[]>();

  add(line: string): void {
    let entry: { msg?: string; method?: string; path?: string; ms?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (entry.msg !== "request" || typeof entry.ms !== "number" || !entry.path) return;
    // An event stream's line comes when it closes: its length is how long the page was open.
    if (entry.path === "/events" || entry.path === "/guest/events") return;
    const path = entry.path.replace(/\/[A-Za-z0-9_-]{12,}(?=\/|\.|$)/g, "/:id");
    const key = `${entry.method} ${path}`;
    const list = this.byRequest.get(key) ?? [];
    list.push(entry.ms);
    this.byRequest.set(key, list);
  }

  /** The kinds of request that took most of the server's time, most first. */
  busiest(n: number): Array<{ request: string; totalS: number } & Quantiles> {
    return [...this.byRequest]
      .map(([request, values]) => ({ request, totalS: round(values.reduce((a, b) => a + b, 0) / 1000, 2), ...quantiles(values) }))
      .sort((a, b) => b.totalS - a.totalS)
      .slice(0, n);
  }
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  if (points.length < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

// ---------- measuring a process ----------

/** CPU seconds of a process (all threads), or of its main thread: the event loop. */
function cpuSeconds(pid: number, mainThread = false): number {
  try {
    const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
/** Seconds the event-loop thread spent runnable but waiting for a core (the machine's other work, or the server's own threads). */
function waitSeconds(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
  } catch {
    return NaN;
  }
}
function rssMB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
    return Math.round(Number(line.split(/\s+/)[1]) / 102.4) / 10;
  } catch {
    return NaN;
  }
}

// ---------- who runs where ----------

/**
 * Deals the talks to client processes by mentor (a mentor's talks, board and event stream in one
 * process), spreads the other staff, and picks for each talk the subject it calls a teacher for
 * among those whose teachers live in its process — so every event a process's changes cause
 * reaches streams of that same process, and each delivery can be attributed (day-client.ts).
 */
function deal(talks: CastTalk[], staff: CastStaff[], processes: number, callShare: number) {
  const home = new Map<string, number>();
  const load = Array.from({ length: processes }, () => 0);
  const byMentor = new Map<string, CastTalk[]>();
  for (const talk of talks) byMentor.set(talk.mentorId, [...(byMentor.get(talk.mentorId) ?? []), talk]);
  for (const [mentorId, own] of [...byMentor].sort((a, b) => b[1].length - a[1].length)) {
    const k = load.indexOf(Math.min(...load));
    home.set(mentorId, k);
    load[k]! += own.length;
  }
  let turn = 0;
  for (const person of staff) if (!home.has(person.id)) home.set(person.id, turn++ % processes);
  const shares = Array.from({ length: processes }, () => ({ talks: [] as CastTalk[], staff: [] as CastStaff[] }));
  for (const person of staff) shares[home.get(person.id)!]!.staff.push(person);
  for (const talk of talks) {
    const k = home.get(talk.mentorId)!;
    const local = (ids: string[]) => ids.every((id) => home.get(id) === k);
    const callable = local(talk.mentorIds) ? talk.subjects.filter((s) => local(s.teacherIds)) : [];
    const call = callable.length > 0 && Math.random() < callShare ? callable[Math.floor(Math.random() * callable.length)]! : null;
    shares[k]!.talks.push({ ...talk, call });
  }
  return shares;
}

function startFleetProcess(): { child: ChildProcess; ready: Promise<void>; done: Promise<FleetReply> } {
  const child = fork(fileURLToPath(new URL("./day-fleet.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx", "--max-semi-space-size=64"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // Typed arrays of latencies travel as they are.
    serialization: "advanced",
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`a client process exited (${code}) before reporting`))));
  exited.catch(() => {});
  const reply = (kind: FleetReady["kind"] | FleetReply["kind"]) =>
    new Promise<FleetReady | FleetReply>((resolve) => {
      const listener = (message: FleetReady | FleetReply) => {
        if (message.kind !== kind) return;
        child.off("message", listener);
        resolve(message);
      };
      child.on("message", listener);
    });
  const ready = Promise.race([reply("ready"), exited]).then(() => undefined);
  const done = Promise.race([reply("done") as Promise<FleetReply>, exited]);
  return { child, ready, done };
}

// ---------- one run ----------

interface RunOptions {
  scale: number;
  /** The day's sittings played, in order. */
  sittings: number[];
  talkMs: number;
  arrivalMs: number;
  sampleMs: number;
  everyTalkCalls: boolean;
}

async function runDay(options: RunOptions): Promise<DayResult> {
  const work = mkdtempSync(join(tmpdir(), "iup-bench-day-"));
  const path = join(work, "day.sqlite");
  const token = randomBytes(24).toString("hex");
  try {
    console.error(`  seeding a school of ${pupilsFor(options.scale)} pupils …`);
    await seedDaySchool(path, pupilsFor(options.scale));
    const server = await startTestServer({ databasePath: path, env: { SEED_DEMO: "false", METRICS_TOKEN: token }, nodeArgs: profileArgs() });
    // The server's log lines are kept by the test helper; a long run needs only the last few. Each
    // request's line says how long the server took (from its arrival to the response's end), which
    // tells the server's time from the time a request waited elsewhere (the clients, the network).
    const serverTimes = new ServerTimes();
    let read = 0;
    const readLogs = () => {
      const lines = server.logs.slice(read);
      for (const line of lines) serverTimes.add(line);
      if (serverLogFile && lines.length > 0) appendFileSync(serverLogFile, `${lines.join("\n")}\n`);
      server.logs.splice(0, Math.max(0, server.logs.length - 100));
      read = server.logs.length;
    };
    const trimLogs = setInterval(readLogs, 5_000);
    const fleet: Array<ReturnType<typeof startFleetProcess>> = [];
    try {
      console.error("  making the talk day (the admin's form, placement, invitations) …");
      const cast = await makeTalkDay(server.url, path, { random: Math.random, remoteShare: options.everyTalkCalls ? 1 : 0.3 });
      const talks = cast.talks.filter((t) => options.sittings.includes(t.sitting));
      const shares = deal(talks, cast.staff, clientProcesses, options.everyTalkCalls ? 1 : 0.6);
      for (let k = 0; k < shares.length; k++) fleet.push(startFleetProcess());

      // The client processes load first (tsx compiles them), so the schedule starts on time in all of them.
      await Promise.all(fleet.map((f) => f.ready));
      const t0 = now() + 500;
      const talkEnd = options.arrivalMs + options.sittings.length * options.talkMs;
      const timeline: DayTimeline = {
        t0,
        arrivalMs: options.arrivalMs,
        talkMs: options.talkMs,
        sittings: options.sittings,
        deadlineMs: talkEnd + 0.5 * options.talkMs + 30_000,
        boardRefreshMs: options.everyTalkCalls ? 2_000 : 10_000,
        everyTalkCalls: options.everyTalkCalls,
        password: DAY_PASSWORD,
      };
      fleet.forEach((f, k) => f.child.send({ kind: "run", base: server.url, timeline, talks: shares[k]!.talks, staff: shares[k]!.staff } satisfies FleetCommand));
      console.error(`  ${talks.length} talks in ${options.sittings.length} sitting(s) of ${round(options.talkMs / 60_000, 2)} min, ${cast.staff.length} staff, ${fleet.length} client processes …`);

      // Sampling the server (and the clients) every few seconds while the fleet works.
      const samples: Sample[] = [];
      let finished = false;
      const replies = Promise.all(fleet.map((f) => f.done)).finally(() => (finished = true));
      await sleep(t0 - now());
      let lastProgress = 0;
      let last = { at: now(), cpu: cpuSeconds(server.pid), loop: cpuSeconds(server.pid, true), wait: waitSeconds(server.pid), clients: fleet.reduce((s, f) => s + cpuSeconds(f.child.pid!), 0) };
      while (!finished) {
        await Promise.race([sleep(options.sampleMs), replies.catch(() => {})]);
        const at = now();
        const cpu = cpuSeconds(server.pid);
        const loop = cpuSeconds(server.pid, true);
        const wait = waitSeconds(server.pid);
        const clients = fleet.reduce((s, f) => s + cpuSeconds(f.child.pid!), 0);
        const seconds = (at - last.at) / 1000;
        let health = { collaboration: { connections: NaN, documents: NaN }, planEventListeners: NaN, memory: { heapUsedMB: NaN, heapTotalMB: NaN } };
        try {
          health = (await (await fetch(`${server.url}/healthz`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) })).json()) as typeof health;
        } catch {
          // a sample without the server's own figures
        }
        if (seconds > 0.2) {
          samples.push({
            t: round((at - t0) / 1000),
            rssMB: rssMB(server.pid),
            heapUsedMB: health.memory.heapUsedMB,
            heapTotalMB: health.memory.heapTotalMB,
            cpu: round((100 * (cpu - last.cpu)) / seconds),
            loop: round((100 * (loop - last.loop)) / seconds),
            loopWait: round((100 * (wait - last.wait)) / seconds),
            clients: round((100 * (clients - last.clients)) / seconds),
            connections: health.collaboration.connections,
            documents: health.collaboration.documents,
            listeners: health.planEventListeners,
            load1: round(loadavg()[0]!, 2),
          });
        }
        last = { at, cpu, loop, wait, clients };
        const latest = samples.at(-1);
        if (latest && latest.t - lastProgress >= 30) {
          lastProgress = latest.t;
          console.error(
            `  ${latest.t} s: ${latest.connections} sockets, ${latest.listeners} event listeners, RSS ${latest.rssMB} MB, heap ${latest.heapUsedMB} MB, CPU ${latest.cpu} %, load ${latest.load1}`,
          );
        }
      }
      const results = await replies;
      // The raw figures first: a summary that fails must not cost a long run.
      if (process.env.BENCH_RAW_FILE) writeFileSync(process.env.BENCH_RAW_FILE, JSON.stringify({ samples, results: results.map((r) => ({ ...r, latencies: Object.fromEntries(Object.entries(r.latencies).map(([k, v]) => [k, Array.from(v)])) })) }));
      const left = await afterEveryoneLeft(server.url, token);
      readLogs();
      return { ...summarise(options, talks.length, t0, samples, results), left, serverSide: serverTimes.busiest(12) };
    } finally {
      clearInterval(trimLogs);
      for (const f of fleet) if (f.child.exitCode === null) f.child.kill();
      await server.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Waits (up to 10 s) for the server to let go of every socket and event-stream listener, and says what it still holds. */
async function afterEveryoneLeft(base: string, token: string): Promise<DayResult["left"]> {
  const started = now();
  for (;;) {
    let figures = { collaboration: { connections: NaN, documents: NaN }, planEventListeners: NaN };
    try {
      figures = (await (await fetch(`${base}/healthz`, { headers: { Authorization: `Bearer ${token}` } })).json()) as typeof figures;
    } catch {
      // asked again below
    }
    const afterS = round((now() - started) / 1000);
    const { connections, documents } = figures.collaboration;
    if ((connections === 0 && figures.planEventListeners === 0) || afterS >= 10) return { connections, documents, listeners: figures.planEventListeners, afterS };
    await sleep(250);
  }
}

function summarise(options: RunOptions, talks: number, t0: number, samples: Sample[], replies: FleetReply[]): Omit<DayResult, "left" | "serverSide"> {
  const latency = {} as Record<LatencyKind, Quantiles>;
  const timed = {} as Record<LatencyKind, Array<[number, number]>>;
  for (const kind of latencyKinds) {
    const pairs: Array<[number, number]> = [];
    for (const reply of replies) {
      const values = reply.latencies[kind];
      for (let i = 0; i + 1 < values.length; i += 2) pairs.push([values[i]!, values[i + 1]!]);
    }
    timed[kind] = pairs;
    latency[kind] = quantiles(pairs.map(([, ms]) => ms));
  }
  // A long run has millions of measurements: no spreading them into Math.max (the call stack).
  let lastMinute = 0;
  for (const pairs of Object.values(timed)) for (const [t] of pairs) lastMinute = Math.max(lastMinute, Math.floor(t / 60));
  const p99In = (kind: LatencyKind, minute: number) => round(quantile(timed[kind].filter(([t]) => Math.floor(t / 60) === minute).map(([, ms]) => ms).sort((a, b) => a - b), 0.99), 1);
  const byMinute = Array.from({ length: lastMinute + 1 }, (_, minute) => ({
    minute,
    editP99: p99In("edit", minute),
    pageP99: p99In("page", minute),
    dataP99: p99In("data", minute),
    sseP99: p99In("sse", minute),
  }));
  const counts: Record<string, number> = {};
  const byKind: Record<string, { count: number; examples: string[] }> = {};
  for (const reply of replies) {
    for (const [kind, n] of Object.entries(reply.counts)) counts[kind] = (counts[kind] ?? 0) + n;
    for (const [kind, e] of Object.entries(reply.errors)) {
      const entry = (byKind[kind] ??= { count: 0, examples: [] });
      entry.count += e.count;
      entry.examples.push(...e.examples.slice(0, 3 - entry.examples.length));
    }
  }
  // Warm-up: the first sitting (arrivals and talk); the memory of a longer run must not grow after it.
  const warmUpS = options.sittings.length > 1 ? (options.arrivalMs + options.talkMs) / 1000 : options.arrivalMs / 1000;
  const steady = samples.filter((s) => s.t >= warmUpS && Number.isFinite(s.rssMB));
  const mean = (values: number[]) => {
    const finite = values.filter(Number.isFinite);
    return finite.length === 0 ? NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
  };
  const atSittingEnds = (figure: (s: Sample) => number) =>
    options.sittings.map((_, k) => {
      const end = (options.arrivalMs + (k + 1) * options.talkMs) / 1000;
      const sample = samples.find((s) => s.t >= end) ?? samples.at(-1);
      return sample ? figure(sample) : NaN;
    });
  const finite = (values: number[]) => values.filter(Number.isFinite);
  const heaps = finite(samples.map((s) => s.heapUsedMB));
  return {
    scale: options.scale,
    talks,
    sittings: options.sittings.length,
    talkMinutes: round(options.talkMs / 60_000, 2),
    arrivalMinutes: round(options.arrivalMs / 60_000, 2),
    durationS: round((now() - t0) / 1000),
    latency,
    byMinute,
    counts,
    errors: { total: Object.values(byKind).reduce((n, e) => n + e.count, 0), byKind },
    server: {
      rssStartMB: samples[0]?.rssMB ?? NaN,
      rssPeakMB: Math.max(...samples.map((s) => s.rssMB)),
      rssEndMB: samples.at(-1)?.rssMB ?? NaN,
      rssSlopeMBPerMin: round(slope(steady.map((s) => [s.t / 60, s.rssMB])), 2),
      heapStartMB: heaps[0] ?? NaN,
      heapPeakMB: Math.max(...heaps),
      heapEndMB: heaps.at(-1) ?? NaN,
      heapSlopeMBPerMin: round(slope(steady.filter((s) => Number.isFinite(s.heapUsedMB)).map((s) => [s.t / 60, s.heapUsedMB])), 2),
      warmUpS: round(warmUpS),
      rssAtSittingEndsMB: atSittingEnds((s) => s.rssMB),
      heapAtSittingEndsMB: atSittingEnds((s) => s.heapUsedMB),
      cpuMeanPercent: round(mean(samples.map((s) => s.cpu))),
      loopMeanPercent: round(mean(samples.map((s) => s.loop))),
      loopWaitMeanPercent: round(mean(samples.map((s) => s.loopWait))),
      cpuPeakPercent: round(Math.max(...samples.map((s) => s.cpu))),
      clientsMeanPercent: round(mean(samples.map((s) => s.clients))),
    },
    loadAverage: { min: Math.min(...samples.map((s) => s.load1)), mean: round(mean(samples.map((s) => s.load1)), 2), max: Math.max(...samples.map((s) => s.load1)) },
    samples,
  };
}

// ---------- the report ----------

const labels: Record<LatencyKind, string> = {
  page: "page loads (HTML)",
  data: ".data requests",
  signIn: "sign-in",
  action: "actions (POST)",
  sse: "SSE delivery",
  edit: "edit (typist → reader)",
};

function printRun(title: string, r: DayResult): void {
  console.log(`\n${title}`);
  console.log(
    `${r.scale} concurrent talks × ${r.sittings} sitting(s) = ${r.talks} talks; talks of ${r.talkMinutes} min, arrivals over ${r.arrivalMinutes} min before each; ${r.durationS} s in all`,
  );
  console.log(`${"".padEnd(24)} ${"n".padStart(8)} ${"p50 ms".padStart(9)} ${"p95 ms".padStart(9)} ${"p99 ms".padStart(9)} ${"max ms".padStart(9)}`);
  for (const kind of latencyKinds) {
    const q = r.latency[kind];
    console.log(`${labels[kind].padEnd(24)} ${String(q.n).padStart(8)} ${[q.p50, q.p95, q.p99, q.max].map((v) => String(v).padStart(9)).join(" ")}`);
  }
  // The server sends no acknowledgement of a stored update yet (issue 20), so there is no "saved on the server" latency to show.
  console.log("(edit: a keystroke from the pupil's socket to each reader's, through the server, which stores it before sending it on; no store acknowledgement exists to time)");
  console.log(`activity: ${Object.entries(r.counts).sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);
  console.log(`errors: ${r.errors.total}${r.errors.total ? ` — ${Object.entries(r.errors.byKind).map(([k, e]) => `${k}: ${e.count} (${e.examples.join(" | ")})`).join("; ")}` : ""}`);
  const s = r.server;
  console.log(
    `server: RSS ${s.rssStartMB} → peak ${s.rssPeakMB} → end ${s.rssEndMB} MB; after the warm-up (${s.warmUpS} s) ${s.rssSlopeMBPerMin} MB/min; at each sitting's end ${s.rssAtSittingEndsMB.join(" / ")} MB`,
  );
  console.log(
    `        V8 heap in use ${s.heapStartMB} → peak ${s.heapPeakMB} → end ${s.heapEndMB} MB; after the warm-up ${s.heapSlopeMBPerMin} MB/min; at each sitting's end ${s.heapAtSittingEndsMB.join(" / ")} MB`,
  );
  console.log(`        CPU mean ${s.cpuMeanPercent} % of a core (event loop ${s.loopMeanPercent} %), peak ${s.cpuPeakPercent} %; the client processes ${s.clientsMeanPercent} %`);
  console.log(`        the event loop waited for a core ${s.loopWaitMeanPercent} % of the time (runnable, not running: the machine's other work)`);
  console.log(`once every client had gone (${r.left.afterS} s later): ${r.left.connections} sockets, ${r.left.listeners} event listeners, ${r.left.documents} documents kept in memory`);
  console.log(`load average (1 min) during the run: ${r.loadAverage.min} – ${r.loadAverage.max}, mean ${r.loadAverage.mean} (2 cores)`);
  console.log("the server's own time per request (its request log: from arrival to the response's end), the kinds that took most of it:");
  for (const q of r.serverSide) console.log(`  ${q.request.padEnd(44)} n ${String(q.n).padStart(6)}  total ${q.totalS} s  p50 ${q.p50}  p95 ${q.p95}  p99 ${q.p99}  max ${q.max} ms`);
  if (r.byMinute.length > 1) console.log(`p99 per minute, edit / page / .data / SSE (ms): ${r.byMinute.map((m) => `${m.minute}: ${m.editP99}/${m.pageP99}/${m.dataP99}/${m.sseP99}`).join("  ")}`);
}

const verdict = (r: DayResult) => {
  const reasons = [
    ...(r.latency.edit.p99 > CEILING.editP99Ms ? [`edit p99 ${r.latency.edit.p99} ms > ${CEILING.editP99Ms}`] : []),
    ...(r.latency.page.p99 > CEILING.pageP99Ms ? [`page p99 ${r.latency.page.p99} ms > ${CEILING.pageP99Ms}`] : []),
    ...(r.errors.total > 0 ? [`${r.errors.total} errors`] : []),
  ];
  return { pass: reasons.length === 0, reasons };
};

// ---------- main ----------

const started = Date.now();
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average at the start ${loadavg().map((n) => n.toFixed(2)).join(" ")}`);
let day: DayResult | null = null;
if (runDayToo) {
  // The talk day: its three sittings one after another, compressed into the run (talks of 30 %
  // of it; each sitting's families arrive in the third of a talk before it).
  const talkMs = smoke ? 8_000 : minutes * 60_000 * 0.3;
  const arrivalMs = smoke ? 3_000 : talkMs / 3;
  console.error(`talk day: ${scale} concurrent talks …`);
  day = await runDay({ scale, sittings: smoke ? [0] : Array.from({ length: SITTINGS_PER_DAY }, (_, i) => i), talkMs, arrivalMs, sampleMs: smoke ? 1_000 : 5_000, everyTalkCalls: smoke });
  printRun("talk-day run", day);
}

interface CeilingStep {
  scale: number;
  pass: boolean;
  reasons: string[];
  result: Omit<DayResult, "samples">;
}
let ceiling: { steps: CeilingStep[]; lastPass: number | null; firstFail: number | null } | null = null;
if (runCeiling) {
  // One sitting per step: arrivals over half a talk, then the talk, the lock and the signatures.
  const talkMs = stepMinutes * 60_000;
  const steps: CeilingStep[] = [];
  const step = async (n: number) => {
    console.error(`ceiling step: ${n} concurrent talks …`);
    const result = await runDay({ scale: n, sittings: [0], talkMs, arrivalMs: talkMs / 2, sampleMs: 5_000, everyTalkCalls: false });
    const { pass, reasons } = verdict(result);
    printRun(`ceiling step ${n}: ${pass ? "within" : `over (${reasons.join(", ")})`}`, result);
    const { samples: _samples, ...rest } = result;
    steps.push({ scale: n, pass, reasons, result: rest });
    return pass;
  };
  let lastPass: number | null = null;
  let firstFail: number | null = null;
  for (let n = ceilingFrom; n <= ceilingMax; n *= 2) {
    if (await step(n)) lastPass = n;
    else {
      firstFail = n;
      break;
    }
  }
  // Two more steps between the last scale within the limits and the first over them.
  for (let i = 0; i < 2 && firstFail !== null && firstFail - (lastPass ?? 0) > 24; i++) {
    const middle = Math.round(((lastPass ?? 0) + firstFail) / 2 / 12) * 12;
    if (await step(middle)) lastPass = middle;
    else firstFail = middle;
  }
  ceiling = { steps, lastPass, firstFail };
  console.log(
    `\nceiling (edit p99 ≤ ${CEILING.editP99Ms} ms, page p99 ≤ ${CEILING.pageP99Ms} ms, no errors): within at ${lastPass ?? "none"} concurrent talks, over at ${firstFail ?? `none up to ${ceilingMax}`}`,
  );
  for (const s of steps) console.log(`  ${String(s.scale).padStart(5)}: edit p99 ${s.result.latency.edit.p99} ms, page p99 ${s.result.latency.page.p99} ms, .data p99 ${s.result.latency.data.p99} ms, sign-in p99 ${s.result.latency.signIn.p99} ms, errors ${s.result.errors.total}, CPU ${s.result.server.cpuMeanPercent} %, peak RSS ${s.result.server.rssPeakMB} MB${s.pass ? "" : ` — ${s.reasons.join(", ")}`}`);
}
console.log(`total ${Math.round((Date.now() - started) / 1000)} s`);
console.log(JSON.stringify({ day, ceiling, clientProcesses, smoke }));
process.exit(0);
