import { describe, expect, it } from "vitest";
import { routeLabel } from "./metrics";

describe("route labels", () => {
  it("replace ids with :id and keep the route's own words", () => {
    expect(routeLabel("/plans/Xk3_pQ9aZr7LmN2b", 200)).toBe("/plans/:id");
    expect(routeLabel("/plans/Xk3_pQ9aZr7LmN2b.data", 200)).toBe("/plans/:id.data");
    expect(routeLabel("/plans/Xk3_pQ9aZr7LmN2b/record.pdf", 200)).toBe("/plans/:id/record.pdf");
    expect(routeLabel("/talk-days/0b6f6c1e-5a7d-4c1e-9b1a-000000000001/sittings/aB3dE5gH7jK9mN1p", 200)).toBe("/talk-days/:id/sittings/:id");
    expect(routeLabel("/admin/import/template.csv", 200)).toBe("/admin/import/template.csv");
    expect(routeLabel("/api/me/plans", 200)).toBe("/api/me/plans");
    expect(routeLabel("/", 200)).toBe("/");
  });

  it("give static files and everything not found one label each", () => {
    expect(routeLabel("/build/_shared/chunk-ABC123.js", 200)).toBe("/build/*");
    expect(routeLabel("/wp-admin/anything-at-all", 404)).toBe("(not found)");
  });
});
