import { describe, expect, it } from "vitest";
import { PersonEvents, PlanEvents } from "./plan-events";

describe("plan and person events", () => {
  it("count the changes each reader hears, so a page can tell that it missed one", () => {
    const plans = new PlanEvents();
    const heard: string[] = [];
    const stop = plans.subscribe("p1", (change) => heard.push(change), ["everyone"]);
    expect(plans.sequenceFor("p1", ["everyone"])).toBe(0);
    plans.publish("p1", "comments", "staff");
    plans.publish("p1", "assessment");
    // A reader who hears only what everyone hears was told of one change; staff of two.
    expect(heard).toEqual(["assessment"]);
    expect(plans.sequenceFor("p1", ["everyone"])).toBe(1);
    expect(plans.sequenceFor("p1", ["everyone", "staff"])).toBe(2);
    expect(plans.sequenceFor("p2", ["everyone", "staff"])).toBe(0);
    stop();
    const people = new PersonEvents();
    people.publish("a", "calls");
    expect(people.sequence("a")).toBe(1);
    expect(people.sequence("b")).toBe(0);
  });
});
