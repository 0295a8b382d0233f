import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Keeps `npm run rehearse` from rotting: the same talk-day rehearsal with three talks. No timing is
 * asserted here (the rehearsal prints the figures); only that everything was delivered, every plan
 * signed and nothing went wrong.
 */
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("the talk-day rehearsal (smoke run)", () => {
  it("runs a sitting end to end against the real server: every call answered, every plan locked and signed, every delivery made, no errors", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "tests/bench/rehearse.ts", "--smoke"], { cwd: projectRoot, encoding: "utf8", timeout: 110_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const figures = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as {
      talks: number;
      signed: number;
      interpreters: number;
      calls: number;
      errors: number;
      deliveries: Record<string, { delivered?: number; expected?: number; sent?: number; total?: number }>;
      lockToLastSignatureMs: { median: number };
      callToAcknowledgedMs: { median: number };
    };
    expect(figures.errors).toBe(0);
    expect(figures.talks).toBe(3);
    expect(figures.signed).toBe(figures.talks);
    expect(figures.interpreters).toBe(1);
    expect(figures.calls).toBe(2);
    for (const [name, d] of Object.entries(figures.deliveries)) {
      if ("sent" in d) expect(d.sent, name).toBe(d.total);
      else expect(d.delivered, name).toBe(d.expected);
      expect(d.expected ?? d.total, name).toBeGreaterThan(0);
    }
    expect(typeof figures.lockToLastSignatureMs.median).toBe("number");
    expect(typeof figures.callToAcknowledgedMs.median).toBe("number");
  }, 120_000);
});
