import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * "Who may do what" is decided in app/policies and nowhere else. This looks through the rest of
 * the code for the ways a role used to be compared in place: a person's staff/admin/pupil flags,
 * a relation read off directly, a role compared with a name. Anything it finds belongs in a policy.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));

const comparisons: Array<[string, RegExp]> = [
  ["a person's staff, admin or pupil flag", /\.(isStaff|isAdmin|isPupil)\b/],
  ["a relation read off directly", /\brelations\.(self|mentor|custody|guardian|taughtSubjectIds|schoolAdmin|pupilIsAdult)\b/],
  ["a role compared with a name", /\b(role|Role)\s*[!=]==?\s*["'`](pupil|mentor|teacher|guardian|admin)["'`]/],
  ["a name compared with a role", /[!=]==?\s*["'`](mentor|guardian|teacher|pupil|admin)["'`]/],
  ["a relation list searched", /\.includes\(\s*["'`](self|mentor|guardian|teacher)["'`]\s*\)/],
];

/** Where the policies live, and the data layer that reads the roster's facts they decide from. */
const allowed = [/^app\/policies\//, /^db\/queries\/(roster|roster-import|relations)\.ts$/, /^db\/schema\//, /^db\/seed\//];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe("one place for every rule", () => {
  it("finds no role comparison outside app/policies", () => {
    const found: string[] = [];
    for (const path of ["app", "server", "db"].flatMap((folder) => sourceFiles(join(root, folder)))) {
      const file = relative(root, path);
      if (allowed.some((pattern) => pattern.test(file))) continue;
      readFileSync(path, "utf8")
        .split("\n")
        .forEach((line, index) => {
          for (const [what, pattern] of comparisons) if (pattern.test(line)) found.push(`${file}:${index + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it("would notice one (the search itself works)", () => {
    const sample = ['if (person.isStaff) show();', 'relations.mentor && lock()', 'view.role === "guardian"', 'x.includes("mentor")'];
    for (const line of sample) expect(comparisons.some(([, pattern]) => pattern.test(line)), line).toBe(true);
  });
});
