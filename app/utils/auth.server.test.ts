import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./auth.server";

describe("safeRedirectPath: where a sign-in may send the browser back to", () => {
  it("keeps a path on this site, with its query", () => {
    expect(safeRedirectPath("/plans/abc?tab=log")).toBe("/plans/abc?tab=log");
  });

  it("refuses anything that a browser could read as another site", () => {
    for (const value of ["https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", "/ /evil.example", "", "plans", 42, null]) {
      expect(safeRedirectPath(value)).toBe("/");
    }
  });
});
