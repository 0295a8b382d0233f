import { describe, expect, it } from "vitest";
import { ChangeBus } from "../../server/plan-events";
import { eventStream } from "./event-stream.server";

/** Reads what the stream has sent so far, and whether it has ended. */
async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean): Promise<{ text: string; ended: boolean }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) return { text, ended: true };
    text += decoder.decode(value, { stream: true });
    if (done(text)) {
      reader.releaseLock();
      return { text, ended: false };
    }
  }
}

describe("an event stream", () => {
  it("forwards changes until the connection closes, then stops listening", async () => {
    const bus = new ChangeBus<"talk">();
    const connection = new AbortController();
    const response = eventStream(connection.signal, (send) => bus.subscribe("plan", send), () => "{}");
    const body = response.body!;
    expect((await readUntil(body, (t) => t.includes("event: hello"))).text).toContain("data: {}");
    expect(bus.listenerCount()).toBe(1);
    bus.publish("plan", "talk");
    expect((await readUntil(body, (t) => t.includes("changed"))).text).toBe("event: changed\ndata: talk\n\n");

    connection.abort();
    expect(bus.listenerCount()).toBe(0);
    expect((await readUntil(body, () => false)).ended).toBe(true);
  });

  it("subscribes to nothing when the connection closed before the loader answered", async () => {
    const bus = new ChangeBus<"talk">();
    const connection = new AbortController();
    connection.abort();
    const response = eventStream(connection.signal, (send) => bus.subscribe("plan", send));
    expect((await readUntil(response.body!, () => false)).ended).toBe(true);
    expect(bus.listenerCount()).toBe(0);
  });

  it("ends when the server ends it (the session ended), and stops listening", async () => {
    const bus = new ChangeBus<"talk">();
    let end = () => {};
    const response = eventStream(new AbortController().signal, (send, stop) => {
      end = stop;
      return bus.subscribe("plan", send);
    });
    end();
    expect(bus.listenerCount()).toBe(0);
    expect((await readUntil(response.body!, () => false)).ended).toBe(true);
  });
});
