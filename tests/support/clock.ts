import { fileURLToPath } from "node:url";

const preload = fileURLToPath(new URL("./shifted-clock.mjs", import.meta.url));

/**
 * Options for startTestServer that start the server's clock at `at` (it runs on from there), for
 * journeys across terms: a plan written and signed in the autumn, the next one opened in the spring.
 */
export function serverClockAt(at: Date): { nodeArgs: string[]; env: Record<string, string> } {
  return { nodeArgs: [`--import=${preload}`], env: { TEST_CLOCK_AT: at.toISOString() } };
}

/**
 * A school day in each term of the demo school's current school year (the seed moves the demo's
 * dates to the school year of its own today): mid-October and early February.
 */
export function demoTermDays(now = new Date()): { autumn: Date; spring: Date } {
  const startYear = now.getUTCMonth() >= 6 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return { autumn: new Date(`${startYear}-10-14T09:00:00Z`), spring: new Date(`${startYear + 1}-02-03T09:00:00Z`) };
}
