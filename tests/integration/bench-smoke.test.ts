import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Keeps `npm run bench:collab` from rotting: the same script with tiny numbers. No timing is
 * asserted here (that is what the benchmark prints); only that every server delivered every
 * keystroke and the figures have the promised shape.
 */
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("the collaboration benchmark (smoke run)", () => {
  it("drives all three servers and the relay floor, and prints one JSON line with every figure", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "tests/bench/collab.ts", "--smoke"], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 170_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const last = run.stdout.trim().split("\n").at(-1)!;
    const figures = JSON.parse(last) as Record<string, unknown> & {
      sitting: Record<string, { delivered: number; expected: number; p99: number; rssMB: number }>;
      peak: Record<string, { delivered: number; expected: number; p99: number; rssMB: number }>;
      growth: Array<{ plans: number; ours: { delivered: number; expected: number } }>;
      floor: Record<string, { delivered: number; expected: number; p99: number }>;
    };
    for (const workload of [figures.sitting, figures.peak]) {
      expect(Object.keys(workload).sort()).toEqual(["hocuspocus-sqlite", "ours", "y-websocket"]);
      for (const server of Object.values(workload)) {
        expect(server.expected).toBeGreaterThan(0);
        expect(server.delivered).toBe(server.expected);
        expect(server.rssMB).toBeGreaterThan(0);
      }
    }
    // The relay that shows the machine's own latency ran on both workloads and relayed everything.
    expect(Object.keys(figures.floor).sort()).toEqual(["peak", "sitting"]);
    for (const floor of Object.values(figures.floor)) {
      expect(floor.expected).toBeGreaterThan(0);
      expect(floor.delivered).toBe(floor.expected);
    }
    expect(figures.growth.map((g) => g.plans)).toEqual([2, 4]);
    for (const g of figures.growth) expect(g.ours.delivered).toBe(g.ours.expected);
    // A figure that could not be taken (NaN) prints as null.
    for (const key of ["openMs", "editorReadyMs", "editorReadyDriverMs", "pageJsKB"]) {
      expect(typeof figures[key], key).toBe("number");
      expect(figures[key] as number, key).toBeGreaterThan(0);
    }
  }, 180_000);
});
