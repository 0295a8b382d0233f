import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Keeps `npm run bench:day` from rotting: the same script and server with three talks in one short
 * sitting. No timing is asserted (that is what the benchmark prints); only that everyone did
 * everything a talk day holds, every request and event arrived, every talk ended signed, and the
 * server let go of every socket and event stream once the people had gone.
 */
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

function runSmoke(): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "tests/bench/day.ts", "--smoke"], { cwd: projectRoot });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

interface Figures {
  day: {
    talks: number;
    latency: Record<string, { n: number; p50: number; p99: number }>;
    counts: Record<string, number>;
    errors: { total: number; byKind: Record<string, { count: number; examples: string[] }> };
    server: { rssPeakMB: number; heapPeakMB: number };
    samples: Array<{ connections: number; listeners: number }>;
    left: { connections: number; listeners: number };
  };
  smoke: boolean;
}

describe("the talk-day benchmark (smoke run)", () => {
  it("plays a sitting of three talks against the real server: everything happens, nothing fails, nothing is left behind", async () => {
    const run = await runSmoke();
    expect(run.status, run.stderr).toBe(0);
    const { day, smoke } = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Figures;
    expect(smoke).toBe(true);
    // Lost events and keystrokes, failed requests, unfinished talks are all errors of the run.
    expect(day.errors.byKind).toEqual({});
    expect(day.errors.total).toBe(0);
    expect(day.talks).toBe(3);
    expect(day.counts.talksFinished).toBe(day.talks);
    expect(day.counts.locks).toBe(day.talks);
    // Every talk: the pupil, at least one guardian and the mentor signed.
    expect(day.counts.signatures).toBeGreaterThanOrEqual(3 * day.talks);
    // Every kind of activity of a talk day happened (the smoke run has every talk call a teacher).
    for (const activity of ["signIn", "page", "data", "streamsOpened", "socketsOpened", "keystrokes", "clockStarts", "sectionChanges", "calls", "callsAnswered", "mentorVisits", "teacherVisits", "signOuts", "tabsClosed"]) {
      expect(day.counts[activity] ?? 0, activity).toBeGreaterThan(0);
    }
    expect(day.counts.callsAnswered).toBe(day.counts.calls);
    // Every figure was taken: each latency kind has measurements, events reached the streams.
    for (const [kind, q] of Object.entries(day.latency)) expect(q.n, kind).toBeGreaterThan(0);
    expect(day.counts.eventsReceived).toBeGreaterThanOrEqual(day.latency.sse!.n);
    expect(day.server.rssPeakMB).toBeGreaterThan(0);
    expect(day.server.heapPeakMB).toBeGreaterThan(0);
    expect(Math.max(...day.samples.map((s) => s.connections))).toBeGreaterThan(0);
    expect(Math.max(...day.samples.map((s) => s.listeners))).toBeGreaterThan(0);
    // Guardians closed their pages without signing out: the server still let go of everything.
    expect(day.left).toMatchObject({ connections: 0, listeners: 0 });
  }, 120_000);
});
