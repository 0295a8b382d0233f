import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SessionEvents } from "../../server/plan-events";
import { watchSession } from "./session-watch.server";

describe("watching a session", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-12-01T12:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);

  it("ends at once when the session is signed out or revoked, once, and only that session", () => {
    const events = new SessionEvents();
    const ended: string[] = [];
    watchSession(events, { id: "a", expiresAt: inMinutes(60) }, () => inMinutes(60), () => ended.push("a"));
    watchSession(events, { id: "b", expiresAt: inMinutes(60) }, () => inMinutes(60), () => ended.push("b"));
    events.publish("a", "ended");
    events.publish("a", "ended");
    expect(ended).toEqual(["a"]);
    // Nothing is left listening for the ended session.
    expect(events.listenerCount()).toBe(1);
  });

  it("ends when the session expires, though nobody says so", () => {
    const events = new SessionEvents();
    const onEnd = vi.fn();
    watchSession(events, { id: "a", expiresAt: inMinutes(30) }, () => null, onEnd);
    vi.advanceTimersByTime(30 * 60_000 - 1);
    expect(onEnd).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onEnd).toHaveBeenCalledTimes(1);
    expect(events.listenerCount()).toBe(0);
  });

  it("waits on when the session was extended meanwhile, and ends at the new expiry", () => {
    const events = new SessionEvents();
    const onEnd = vi.fn();
    let expiry = inMinutes(30);
    watchSession(events, { id: "a", expiresAt: expiry }, () => (expiry.getTime() > Date.now() ? expiry : null), onEnd);
    expiry = inMinutes(45);
    vi.advanceTimersByTime(30 * 60_000);
    expect(onEnd).not.toHaveBeenCalled();
    vi.advanceTimersByTime(15 * 60_000);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("ends at once for a session already past its expiry, and a far expiry does not fire early", () => {
    const events = new SessionEvents();
    const late = vi.fn();
    watchSession(events, { id: "a", expiresAt: inMinutes(-1) }, () => null, late);
    expect(late).toHaveBeenCalledTimes(1);
    const far = vi.fn();
    const farAway = inMinutes(60 * 24 * 40);
    watchSession(events, { id: "b", expiresAt: farAway }, () => farAway, far);
    vi.advanceTimersByTime(60_000);
    expect(far).not.toHaveBeenCalled();
  });

  it("stops watching when told (the socket or stream closed first)", () => {
    const events = new SessionEvents();
    const onEnd = vi.fn();
    const stop = watchSession(events, { id: "a", expiresAt: inMinutes(1) }, () => null, onEnd);
    stop();
    events.publish("a", "ended");
    vi.advanceTimersByTime(120_000);
    expect(onEnd).not.toHaveBeenCalled();
    expect(events.listenerCount()).toBe(0);
  });
});
