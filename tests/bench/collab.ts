/**
 * `npm run bench:collab` — our collaboration server beside the stock y-websocket server and
 * Hocuspocus + SQLite, on the same workloads in the same run. Real clients, real sign-in and
 * authorization, durable storage on; see README "Benchmark". `--smoke` runs tiny numbers.
 * Prints a table, then one JSON object on the last line.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium, type Browser } from "@playwright/test";
import Database from "better-sqlite3";
import * as Y from "yjs";
import { openDatabase } from "../../db/client";
import { appendPlanUpdate, replacePlanDocument } from "../../db/queries/plan-documents";
import { LiveDocument } from "../../server/collab/live-document";
import { UpdateJournal } from "../../server/collab/update-journal";
import { signIn } from "../support/http";
import type { FleetCommand, FleetPlan, FleetReply, ServerName } from "./client-fleet";
import { startTestServer, type TestServer } from "../support/server";
import { BENCH_PASSWORD, benchEmail, seedBenchDatabase } from "./seed";
import { typeOne } from "./typing";

const smoke = process.argv.includes("--smoke");
// Each started server adds an exit hook; a benchmark starts a dozen.
process.setMaxListeners(50);
const config = smoke
  ? { sitting: { plans: 2, clients: 3, rate: 5 }, peak: { plans: 4, clients: 3, rate: 2 }, growth: [2, 4], typingMs: 1500, opens: 3, openUpdates: 300, pageLoads: 2 }
  : { sitting: { plans: 24, clients: 6, rate: 5 }, peak: { plans: 400, clients: 5, rate: 2 }, growth: [100, 200, 400, 800], typingMs: 10_000, opens: 20, openUpdates: 10_000, pageLoads: 20 };
const maxPlans = Math.max(config.sitting.plans, config.peak.plans, ...config.growth);

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "iup-bench-"));
const template = join(work, "template.sqlite");

// The clients run in several processes (see client-fleet.ts); BENCH_CLIENT_PROCESSES overrides.
const clientProcesses = Number(process.env.BENCH_CLIENT_PROCESSES ?? 2);

interface RunningServer {
  name: ServerName;
  pid: number;
  /** The websocket base URL the clients connect to. */
  url: string;
  /** What a client needs to join plan `index` (its id, and for ours the session cookies). */
  plan(index: number): FleetPlan;
  stop(): Promise<void>;
  storedBytesPerPlan?(): number;
}

export interface Figures {
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  expected: number;
  cpuS: number;
  /** The event loop's thread alone (the process also has GC helpers, and ours a WAL checkpointer). */
  mainThreadCpuS: number;
  rssMB: number;
  connectMs: number;
}

// ---------- measuring a process ----------

const ticksPerSecond = 100;
/** CPU seconds of a process (all its threads), or of its main thread only: the event loop. */
function cpuSeconds(pid: number, mainThread = false): number {
  const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
function peakRssMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmHWM:"))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}
const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- the three servers ----------

/** BENCH_PROFILE_DIR=… writes a V8 CPU profile of each server run (see README "Benchmark"). */
const profileArgs = () => (process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []);

async function startOurs(): Promise<RunningServer> {
  const path = join(work, `ours-${Date.now()}.sqlite`);
  copyFileSync(template, path);
  const server: TestServer = await startTestServer({ databasePath: path, env: { SEED_DEMO: "false", COLLAB_UNLOAD_MS: "600000" }, nodeArgs: profileArgs() });
  const sqlite = new Database(path, { readonly: true });
  const planRows = sqlite
    .prepare("select p.id, pe.email from plans p join people pe on pe.id = p.pupil_id where pe.family_name = 'Bench'")
    .all() as Array<{ id: string; email: string }>;
  sqlite.close();
  const planByEmail = new Map(planRows.map((r) => [r.email, r.id]));
  const planIds = Array.from({ length: maxPlans }, (_, i) => planByEmail.get(benchEmail(i))!);
  // The real sign-in: one session per typing pupil, and the mentor's for the readers.
  const mentorCookie = await signIn(server.url, "mentor@demo.test");
  const typistCookies = new Map<number, string>();
  const cookieFor = async (i: number) => {
    if (!typistCookies.has(i)) typistCookies.set(i, await signIn(server.url, benchEmail(i), BENCH_PASSWORD));
    return typistCookies.get(i)!;
  };
  for (let i = 0; i < maxPlans; i += 20) await Promise.all(Array.from({ length: Math.min(20, maxPlans - i) }, (_, k) => cookieFor(i + k)));
  return {
    name: "ours",
    pid: server.pid,
    url: `${server.url.replace(/^http/, "ws")}/collab`,
    plan: (index) => ({ planId: planIds[index]!, typistCookie: typistCookies.get(index)!, readerCookie: mentorCookie }),
    storedBytesPerPlan() {
      const db = new Database(path, { readonly: true });
      const ids = planIds.slice(0, config.peak.plans);
      const placeholders = ids.map(() => "?").join(",");
      const states = db.prepare(`select coalesce(sum(length(state)), 0) as n from plan_document_states where plan_id in (${placeholders})`).get(...ids) as { n: number };
      const updates = db.prepare(`select coalesce(sum(length(data)), 0) as n from plan_updates where plan_id in (${placeholders})`).get(...ids) as { n: number };
      db.close();
      return Math.round((states.n + updates.n) / ids.length);
    },
    async stop() {
      await server.stop();
    },
  };
}

async function startPeer(name: Exclude<ServerName, "ours">): Promise<RunningServer> {
  const scripts = { "y-websocket": "y-websocket-server.mjs", "hocuspocus-sqlite": "hocuspocus-sqlite.mjs", "relay-floor": "relay-floor.mjs" };
  const script = join(projectRoot, "tests/bench/peers", scripts[name]);
  const args = name === "hocuspocus-sqlite" ? [script, join(work, `hocuspocus-${Date.now()}.sqlite`)] : [script];
  const child: ChildProcess = spawn(process.execPath, [...profileArgs(), ...args], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 20_000);
    child.stdout!.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      resolve((JSON.parse(chunk.toString().trim().split("\n")[0]!) as { port: number }).port);
    });
  });
  return {
    name,
    pid: child.pid!,
    url: `ws://127.0.0.1:${port}`,
    plan: (index) => ({ planId: `plan-${index}` }),
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    },
  };
}

const startServer = (name: ServerName) => (name === "ours" ? startOurs() : startPeer(name));

// ---------- one workload ----------

/** A client process, driven by messages; `ask` sends a command and waits for its reply. */
interface FleetProcess {
  ask(command: FleetCommand): Promise<FleetReply>;
  close(): Promise<void>;
}

function startFleetProcess(): FleetProcess {
  // The clients' own pauses are measurement noise: a larger young generation means fewer of
  // them (each client process collected every ~0.4 s, 7–20 ms each, at *peak*, with the default;
  // the relay floor's p99 at *peak* was 2.2–2.5 ms with 32 MB, 1.5–2.1 ms with 128 MB), and
  // --expose-gc lets a process collect the connections' garbage before the measurement starts.
  const execArgv = ["--import", "tsx", "--expose-gc", "--max-semi-space-size=128"];
  const child = fork(fileURLToPath(new URL("./client-fleet.ts", import.meta.url)), [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    ask(command) {
      return new Promise<FleetReply>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`a client process exited (${code}) during ${command.kind}`));
        child.once("exit", onExit);
        child.once("message", (reply: FleetReply) => {
          child.off("exit", onExit);
          resolve(reply);
        });
        child.send(command);
      });
    },
    async close() {
      if (child.exitCode === null && child.connected) child.send({ kind: "close" } satisfies FleetCommand);
      await Promise.race([exited, sleep(5_000).then(() => child.kill())]);
    },
  };
}

async function runWorkload(name: ServerName, workload: { plans: number; clients: number; rate: number }): Promise<Figures & { storedBytesPerPlan?: number }> {
  const server = await startServer(name);
  const fleet = Array.from({ length: Math.max(1, Math.min(clientProcesses, workload.plans)) }, startFleetProcess);
  try {
    // Plans dealt round-robin; all clients of one plan in one process.
    const shares: FleetPlan[][] = fleet.map(() => []);
    for (let i = 0; i < workload.plans; i++) shares[i % fleet.length]!.push(server.plan(i));
    const connected = await Promise.all(
      fleet.map((f, k) => f.ask({ kind: "connect", server: name, url: server.url, plans: shares[k]!, clientsPerPlan: workload.clients })),
    );
    const primed = await Promise.all(fleet.map((f) => f.ask({ kind: "prime" })));
    if (!primed.every((r) => r.kind === "primed" && r.complete)) console.error(`${name}: not every reader had the first character after 10 s`);

    const cpuBefore = cpuSeconds(server.pid);
    const mainBefore = cpuSeconds(server.pid, true);
    const typed = await Promise.all(fleet.map((f) => f.ask({ kind: "type", rate: workload.rate, typingMs: config.typingMs, drainMs: 10_000 })));
    const cpuS = cpuSeconds(server.pid) - cpuBefore;
    const mainThreadCpuS = cpuSeconds(server.pid, true) - mainBefore;
    const rssMB = peakRssMB(server.pid);

    const latencies = typed.flatMap((r) => (r.kind === "typed" ? r.latencies : [])).sort((a, b) => a - b);
    const connectTimes = connected.flatMap((r) => (r.kind === "connected" ? r.connectTimes : [])).sort((a, b) => a - b);
    const sum = (key: "delivered" | "expected") => typed.reduce((n, r) => n + (r.kind === "typed" ? r[key] : 0), 0);
    await Promise.all(fleet.map((f) => f.close()));
    const figures: Figures & { storedBytesPerPlan?: number } = {
      p50: round(quantile(latencies, 0.5)),
      p99: round(quantile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? NaN),
      delivered: sum("delivered"),
      expected: sum("expected"),
      cpuS: round(cpuS, 2),
      mainThreadCpuS: round(mainThreadCpuS, 2),
      rssMB,
      connectMs: round(quantile(connectTimes, 0.5)),
    };
    await server.stop();
    if (server.storedBytesPerPlan) figures.storedBytesPerPlan = server.storedBytesPerPlan();
    return figures;
  } catch (error) {
    await Promise.all(fleet.map((f) => f.close()));
    await server.stop();
    throw error;
  }
}

// ---------- opening a long history, and the page ----------

async function measureOpen(): Promise<number> {
  const path = join(work, "open.sqlite");
  copyFileSync(template, path);
  const db = await openDatabase(path);
  const plan = db.$client.prepare("select id, pupil_id as pupilId from plans limit 1").get() as { id: string; pupilId: string };
  const doc = new Y.Doc();
  const ids: number[] = [];
  doc.on("update", (update: Uint8Array) => ids.push(appendPlanUpdate(db, plan.id, update)));
  for (let i = 0; i < config.openUpdates; i++) typeOne(doc, String.fromCharCode(97 + (i % 26)));
  replacePlanDocument(db, plan.id, Y.encodeStateAsUpdate(doc), ids);
  // One journal per server, made at its start.
  const journal = new UpdateJournal(db);
  const times: number[] = [];
  for (let i = 0; i < config.opens; i++) {
    const started = performance.now();
    const live = new LiveDocument(plan.id, plan.pupilId, {
      journal,
      compactEvery: 500,
      isSection: () => true,
      onFirstWrite: () => {},
      onStoreFailure: () => {},
      onCompactionFailure: () => {},
    });
    times.push(performance.now() - started);
    live.destroy();
  }
  db.$client.close();
  times.sort((a, b) => a - b);
  return round(quantile(times, 0.5), 2);
}

/**
 * Notes, by the page's own clock (milliseconds since navigation started), the first moment an
 * editor is editable and the connection status says "Ansluten" (synced). Installed before any
 * page script runs; a MutationObserver sees the change as it happens.
 */
const EDITOR_READY_PROBE = `
  const ready = () =>
    document.querySelector('[contenteditable="true"]') &&
    [...document.querySelectorAll('[role="status"]')].some((el) => el.textContent.includes("Ansluten"));
  new MutationObserver((_, observer) => {
    if (!ready()) return;
    window.__editorReadyAt = performance.now();
    observer.disconnect();
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
`;

interface PageFigures {
  /** Median, by the page's clock, from navigation to an editable, synced editor. */
  editorReadyMs: number;
  /** The same as the test driver sees it (goto, then waiting for both), round trips included. */
  editorReadyDriverMs: number;
  pageJsKB: number;
}

async function measurePage(): Promise<PageFigures> {
  const path = join(work, "page.sqlite");
  copyFileSync(template, path);
  const server = await startTestServer({ databasePath: path, env: { SEED_DEMO: "false" } });
  let browser: Browser | null = null;
  try {
    // Inside the try: a browser that cannot start must not leave the server running.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const context = await browser.newContext();
    await context.addInitScript({ content: EDITOR_READY_PROBE });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("E-post").fill("elev@demo.test");
    await page.getByLabel("Lösenord").fill("demo");
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole("link", { name: "Öppna min utvecklingsplan" }).click();
    await page.locator('[contenteditable="true"]').first().waitFor();
    const planUrl = page.url();

    const inPage: number[] = [];
    const driver: number[] = [];
    for (let i = 0; i < Math.max(1, config.pageLoads); i++) {
      // A fresh cache each time would measure the network; the first load fills it, as for a real visitor.
      const started = Date.now();
      await page.goto(planUrl);
      await page.locator('[contenteditable="true"]').first().waitFor();
      await page.getByRole("status").filter({ hasText: "Ansluten" }).waitFor();
      driver.push(Date.now() - started);
      const readyAt = await page.evaluate(() => (window as unknown as { __editorReadyAt?: number }).__editorReadyAt ?? NaN);
      inPage.push(readyAt);
    }
    // The scripts of one load, uncached, gzip-compressed as a server would send them.
    const fresh = await browser.newContext();
    await fresh.addCookies(await context.cookies());
    const freshPage = await fresh.newPage();
    const scripts = new Map<string, number>();
    freshPage.on("response", async (response) => {
      if (response.request().resourceType() !== "script") return;
      try {
        scripts.set(response.url(), gzipSync(await response.body()).length);
      } catch {
        // a cancelled request
      }
    });
    await freshPage.goto(planUrl);
    await freshPage.locator('[contenteditable="true"]').first().waitFor();
    await sleep(500);
    const median = (values: number[]) => round(quantile([...values].sort((a, b) => a - b), 0.5));
    const bytes = [...scripts.values()].reduce((sum, n) => sum + n, 0);
    return { editorReadyMs: median(inPage), editorReadyDriverMs: median(driver), pageJsKB: round(bytes / 1024) };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

// ---------- main ----------

// The relay runs beside the servers in every round: it shows how much of each latency is the machine.
const allServers: ServerName[] = ["ours", "y-websocket", "hocuspocus-sqlite", "relay-floor"];
const comparedServers = (names: ServerName[]) => names.filter((s) => s !== "relay-floor");
// `--only=peak:ours` runs one workload on one server (for profiling), `--only=peak:ours,y-websocket`
// on two; `--only=page` only the page figures. The JSON line is then partial. `--rounds=N`.
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(":");
const onlyPage = only?.[0] === "page";
const servers = only?.[1] ? allServers.filter((s) => only[1]!.split(",").includes(s)) : allServers;
const workloads = (onlyPage ? [] : only?.[0] ? [only[0]] : ["sitting", "peak"]) as Array<"sitting" | "peak">;
const roundsArg = process.argv.find((a) => a.startsWith("--rounds="))?.slice("--rounds=".length);
const rounds = roundsArg ? Number(roundsArg) : smoke || only ? 1 : 3;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive whole number, got ${roundsArg}`);

/** The median of each figure over the rounds; deliveries are totals (every one must arrive). */
function combineRounds(all: Figures[]): Figures {
  const median = (key: keyof Figures) => quantile(all.map((f) => f[key]).sort((a, b) => a - b), 0.5);
  const total = (key: "delivered" | "expected") => all.reduce((n, f) => n + f[key], 0);
  return {
    p50: median("p50"),
    p99: median("p99"),
    max: median("max"),
    delivered: total("delivered"),
    expected: total("expected"),
    cpuS: median("cpuS"),
    mainThreadCpuS: median("mainThreadCpuS"),
    rssMB: median("rssMB"),
    connectMs: median("connectMs"),
  };
}
try {
  console.error(`seeding ${maxPlans} benchmark pupils …`);
  await seedBenchDatabase(template, maxPlans);
  // Each sitting/peak cell runs `rounds` times, the servers interleaved in a rotating order, so a
  // noisy moment of the machine falls on one run rather than on one server.
  const runs: Record<string, Record<string, Figures[]>> = { sitting: {}, peak: {} };
  let storedBytesPerPlan = 0;
  for (const workload of workloads) {
    for (let round = 0; round < rounds; round++) {
      for (const name of servers.map((_, i) => servers[(i + round) % servers.length]!)) {
        console.error(`${workload}: ${name} (round ${round + 1} of ${rounds}) …`);
        const figures = await runWorkload(name, config[workload]);
        if (name === "ours" && workload === "peak") storedBytesPerPlan = figures.storedBytesPerPlan ?? 0;
        delete figures.storedBytesPerPlan;
        (runs[workload]![name] ??= []).push(figures);
      }
    }
  }
  const results: Record<string, Record<string, Figures>> = { sitting: {}, peak: {} };
  for (const workload of workloads) for (const name of servers) results[workload]![name] = combineRounds(runs[workload]![name]!);
  const growth: Array<{ plans: number; ours: Figures }> = [];
  for (const plans of only ? [] : config.growth) {
    console.error(`growth: ${plans} plans …`);
    const figures = await runWorkload("ours", { plans, clients: 5, rate: 2 });
    delete figures.storedBytesPerPlan;
    growth.push({ plans, ours: figures });
  }
  console.error("opening a long history …");
  const openMs = only && !onlyPage ? NaN : await measureOpen();
  console.error("loading the plan page …");
  const page = only && !onlyPage ? { editorReadyMs: NaN, editorReadyDriverMs: NaN, pageJsKB: NaN } : await measurePage();

  const row = (label: string, f: Figures) =>
    `${label.padEnd(34)} ${String(f.p50).padStart(7)} ${String(f.p99).padStart(7)} ${String(f.max).padStart(7)} ${`${f.delivered}/${f.expected}`.padStart(13)} ${String(f.cpuS).padStart(7)} ${String(f.mainThreadCpuS).padStart(8)} ${String(f.rssMB).padStart(6)} ${String(f.connectMs).padStart(9)}`;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}${smoke ? " (smoke run)" : ""}`);
  console.log(`${"workload / server".padEnd(34)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"max ms".padStart(7)} ${"delivered".padStart(13)} ${"cpu s".padStart(7)} ${"loop cpu".padStart(8)} ${"rss MB".padStart(6)} ${"connect ms".padStart(9)}`);
  for (const workload of workloads) for (const name of servers) console.log(row(`${workload} ${name}`, results[workload]![name]!));
  if (rounds > 1) {
    console.log(`(median of ${rounds} rounds per cell, deliveries summed; p99 of each round:)`);
    for (const workload of workloads) for (const name of servers) console.log(`  ${workload} ${name}: ${runs[workload]![name]!.map((f) => f.p99).join(" / ")} ms`);
  }
  for (const g of growth) console.log(row(`growth ${g.plans} plans × 5, ours`, g.ours));
  console.log(`stored per plan after peak (ours): ${storedBytesPerPlan} bytes`);
  console.log(`open a compacted ${config.openUpdates}-update plan (server side, median of ${config.opens}): ${openMs} ms`);
  console.log(
    `navigation to an editable, synced editor (median of ${config.pageLoads}): ${page.editorReadyMs} ms by the page's clock, ` +
      `${page.editorReadyDriverMs} ms as the test driver sees it; plan page JavaScript: ${page.pageJsKB} KB gzip`,
  );
  const strip = (f: Figures) => ({ p50: f.p50, p99: f.p99, max: f.max, delivered: f.delivered, expected: f.expected, cpuS: f.cpuS, rssMB: f.rssMB });
  console.log(
    JSON.stringify({
      sitting: Object.fromEntries(comparedServers(servers).filter((s) => results.sitting![s]).map((s) => [s, strip(results.sitting![s]!)])),
      peak: Object.fromEntries(comparedServers(servers).filter((s) => results.peak![s]).map((s) => [s, strip(results.peak![s]!)])),
      growth: growth.map((g) => ({ plans: g.plans, ours: strip(g.ours) })),
      floor: Object.fromEntries(workloads.filter((w) => results[w]!["relay-floor"]).map((w) => [w, strip(results[w]!["relay-floor"]!)])),
      openMs,
      editorReadyMs: page.editorReadyMs,
      editorReadyDriverMs: page.editorReadyDriverMs,
      pageJsKB: page.pageJsKB,
      storedBytesPerPlan,
      rounds,
      p99ByRound: Object.fromEntries(workloads.map((w) => [w, Object.fromEntries(servers.map((s) => [s, runs[w]![s]!.map((f) => f.p99)]))])),
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
