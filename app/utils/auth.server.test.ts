import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./auth.server";

describe("safeRedirectPath", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(safeRedirectPath("/plans/abc")).toBe("/plans/abc");
    expect(safeRedirectPath("/plans/abc?tab=log#top")).toBe("/plans/abc?tab=log#top");
    expect(safeRedirectPath("/")).toBe("/");
  });

  it("encodes what a Location header cannot carry as it is", () => {
    expect(safeRedirectPath("/pupils/åsa")).toBe("/pupils/%C3%A5sa");
  });

  // Every one of these passes "starts with / and not with //", and some browser reads it as another site.
  it.each([
    "/\t/evil.example/phish",
    "/\n/evil.example",
    "/\r/evil.example",
    "/ /evil.example",
    "/\u0000/evil.example",
    "/\u007f/evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/.//evil.example",
    "/./\\/evil.example",
    "/x/..//evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "data:text/html,hi",
    " /evil",
    "evil.example",
    "",
  ])("refuses %j", (value) => {
    expect(safeRedirectPath(value)).toBe("/");
    expect(safeRedirectPath(value, "/home")).toBe("/home");
  });

  it("refuses what is not a string", () => {
    for (const value of [undefined, null, 5, ["/a"], { toString: () => "/a" }]) expect(safeRedirectPath(value)).toBe("/");
  });

  it("keeps an encoded slash as part of the path (it never becomes a host)", () => {
    const result = safeRedirectPath("/%2F%2Fevil.example");
    expect(new URL(result, "https://iup.example.test").origin).toBe("https://iup.example.test");
  });
});
