import { describe, expect, it, vi } from "vitest";
import type { AppLoadContext } from "@remix-run/node";
import { handleError } from "./entry.server";

/** What the server logs of an error in a loader, an action or a render. */
describe("handleError", () => {
  const failure = new TypeError("Alva Lindqvist skrev: mitt hemliga mål");
  const argsWith = (connectionClosed: AbortSignal) => ({
    request: new Request("http://localhost/plans/p1"),
    params: {},
    context: { connectionClosed } as unknown as AppLoadContext,
  });

  it("logs the kind and the place of a fault, never its message (it can quote a plan or a name)", () => {
    const logged = vi.spyOn(console, "error").mockImplementationOnce(() => undefined);
    handleError(failure, argsWith(new AbortController().signal));
    expect(logged).toHaveBeenCalledTimes(1);
    const entry = JSON.parse(String(logged.mock.calls[0]![0])) as { msg: string; err: string; frames: string[] };
    expect(entry).toMatchObject({ msg: "request failed", err: "TypeError" });
    expect(entry.frames.length).toBeGreaterThan(0);
    expect(JSON.stringify(entry)).not.toContain("Alva");
    expect(JSON.stringify(entry)).not.toContain("hemliga");
    logged.mockRestore();
  });

  it("logs nothing when the browser had already gone (the connection closed): not a fault", () => {
    const logged = vi.spyOn(console, "error").mockImplementationOnce(() => undefined);
    const closed = new AbortController();
    closed.abort();
    handleError(failure, argsWith(closed.signal));
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });
});
