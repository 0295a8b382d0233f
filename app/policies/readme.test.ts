import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { policyTableMarkdown } from "./index.server";

const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

describe("the README's \"Who may do what\"", () => {
  it("is the table the policies make (regenerate with `npm run policy:table`)", () => {
    const start = readme.indexOf("<!-- policy-table -->");
    const end = readme.indexOf("<!-- /policy-table -->");
    expect(start, "README has the policy table markers").toBeGreaterThan(-1);
    expect(readme.slice(start + "<!-- policy-table -->".length, end).trim()).toBe(policyTableMarkdown());
  });
});
