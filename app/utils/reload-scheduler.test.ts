import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createReloadScheduler } from "./reload-scheduler";

describe("reloading the page's data for live events", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("turns a burst of events into one reload after a short pause", () => {
    const reload = vi.fn();
    const scheduler = createReloadScheduler(reload, 150);
    scheduler.ask();
    vi.advanceTimersByTime(100);
    scheduler.ask();
    vi.advanceTimersByTime(100);
    expect(reload).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("does not interrupt a load in flight: the reload waits until the page is idle, then happens once", () => {
    const reload = vi.fn();
    const scheduler = createReloadScheduler(reload, 150);
    scheduler.setBusy(true);
    scheduler.ask();
    vi.advanceTimersByTime(150);
    scheduler.ask();
    vi.advanceTimersByTime(150);
    expect(reload).not.toHaveBeenCalled();
    scheduler.setBusy(false);
    expect(reload).toHaveBeenCalledTimes(1);
    scheduler.setBusy(true);
    scheduler.setBusy(false);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("owes nothing when no event came while the page was loading", () => {
    const reload = vi.fn();
    const scheduler = createReloadScheduler(reload, 150);
    scheduler.setBusy(true);
    scheduler.setBusy(false);
    expect(reload).not.toHaveBeenCalled();
  });

  it("reloads nothing once the page has gone", () => {
    const reload = vi.fn();
    const scheduler = createReloadScheduler(reload, 150);
    scheduler.ask();
    scheduler.dispose();
    vi.advanceTimersByTime(1000);
    scheduler.setBusy(false);
    expect(reload).not.toHaveBeenCalled();
  });
});
