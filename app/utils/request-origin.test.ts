import { describe, expect, it } from "vitest";
import { isCrossSiteWrite, isOwnPageRequest, ownOrigins } from "./request-origin";

const own = ownOrigins("https://iup.skola.se", "http://127.0.0.1:3000");
const write = (headers: { secFetchSite?: string; origin?: string; referer?: string }, method = "POST") => ({
  method,
  secFetchSite: headers.secFetchSite ?? null,
  origin: headers.origin ?? null,
  referer: headers.referer ?? null,
});

describe("isCrossSiteWrite", () => {
  it("lets our own pages write, and clients that are not browsers (no signals)", () => {
    expect(isCrossSiteWrite(write({ secFetchSite: "same-origin", origin: "https://iup.skola.se" }), own)).toBe(false);
    expect(isCrossSiteWrite(write({ origin: "http://127.0.0.1:3000" }), own)).toBe(false);
    expect(isCrossSiteWrite(write({}), own)).toBe(false);
  });

  it("refuses what another site, a sibling subdomain or a sandboxed page sends", () => {
    expect(isCrossSiteWrite(write({ secFetchSite: "cross-site" }), own)).toBe(true);
    expect(isCrossSiteWrite(write({ secFetchSite: "same-site" }), own)).toBe(true);
    expect(isCrossSiteWrite(write({ origin: "https://evil.example" }), own)).toBe(true);
    expect(isCrossSiteWrite(write({ origin: "https://iup.skola.se.evil.example" }), own)).toBe(true);
    expect(isCrossSiteWrite(write({ origin: "http://iup.skola.se" }), own)).toBe(true);
    expect(isCrossSiteWrite(write({ origin: "null" }), own)).toBe(true);
    expect(isCrossSiteWrite(write({ secFetchSite: "cross-site", origin: "https://iup.skola.se" }), own)).toBe(true);
  });

  it("never judges reads", () => {
    expect(isCrossSiteWrite(write({ secFetchSite: "cross-site" }, "GET"), own)).toBe(false);
    expect(isCrossSiteWrite(write({ secFetchSite: "cross-site" }, "HEAD"), own)).toBe(false);
  });
});

describe("isOwnPageRequest (a GET with an effect)", () => {
  it("takes a link on our page, or an address the person typed or bookmarked", () => {
    expect(isOwnPageRequest({ secFetchSite: "same-origin", referer: null }, own)).toBe(true);
    expect(isOwnPageRequest({ secFetchSite: "none", referer: null }, own)).toBe(true);
    // A browser without Fetch Metadata, on our page (Referrer-Policy same-origin sends it).
    expect(isOwnPageRequest({ secFetchSite: null, referer: "https://iup.skola.se/plans/x" }, own)).toBe(true);
  });

  it("refuses another site's link, frame or image, and a request with no signal at all", () => {
    expect(isOwnPageRequest({ secFetchSite: "cross-site", referer: null }, own)).toBe(false);
    expect(isOwnPageRequest({ secFetchSite: "same-site", referer: "https://iup.skola.se/" }, own)).toBe(false);
    expect(isOwnPageRequest({ secFetchSite: null, referer: "https://evil.example/" }, own)).toBe(false);
    expect(isOwnPageRequest({ secFetchSite: null, referer: "not a url" }, own)).toBe(false);
    expect(isOwnPageRequest({ secFetchSite: null, referer: null }, own)).toBe(false);
  });
});
