import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { MAX_CLIENT_IDS_PER_CONNECTION, roleColors } from "../../app/shared/collab-protocol";
import { PresenceLimitExceeded, ProtocolError } from "./errors";
import { PresenceRegistry, type PresenceOwner } from "./presence";

function update(entries: Array<{ clientId: number; clock: number; state?: unknown; json?: string }>, trailing: number[] = []): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json ?? JSON.stringify(entry.state ?? null));
  }
  for (const byte of trailing) encoding.writeUint8(encoder, byte);
  return encoding.toUint8Array(encoder);
}

function setUp() {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.setLocalState(null);
  const registry = new PresenceRegistry(awareness, (name) => name === "goals");
  const owner = (name: string, role: "pupil" | "guardian" = "guardian"): PresenceOwner => ({
    user: { key: `${name}-key-12`.slice(0, 12), name, role, color: roleColors[role] },
    clientIds: new Set(),
  });
  return { awareness, registry, owner };
}

const caret = { anchor: { tname: "goals", item: null, type: null, assoc: 0 }, head: { tname: "goals" } };

describe("presence on the server", () => {
  it("relays a state with the session's user and the caret, nothing else", () => {
    const { awareness, registry, owner } = setUp();
    const sara = owner("Sara");
    registry.receive(sara, update([{ clientId: 10, clock: 1, state: { user: { name: "Rektor", role: "mentor" }, cursor: caret, pad: "x" } }]));
    expect(awareness.getStates().get(10)).toEqual({ user: sara.user, cursor: caret });
    expect([...sara.clientIds]).toEqual([10]);
  });

  it("refuses a whole message with a bad state, and applies none of it", () => {
    const { awareness, registry, owner } = setUp();
    const sara = owner("Sara");
    const bad: Array<[unknown, typeof ProtocolError | typeof PresenceLimitExceeded]> = [
      [{ cursor: { anchor: null, head: null } }, ProtocolError],
      [{ cursor: {} }, ProtocolError],
      ["garbage", ProtocolError],
      [{ cursor: { anchor: { tname: "evil" }, head: { tname: "evil" } } }, ProtocolError],
      [{ cursor: null, pad: "x".repeat(5000) }, PresenceLimitExceeded],
    ];
    for (const [state, error] of bad) {
      expect(() => registry.receive(sara, update([{ clientId: 11, clock: 1, state: { cursor: null } }, { clientId: 12, clock: 1, state }]))).toThrow(error);
    }
    expect(() => registry.receive(sara, update([{ clientId: 11, clock: 1, json: "{not json" }]))).toThrow(ProtocolError);
    expect(() => registry.receive(sara, update([{ clientId: 2 ** 33, clock: 1, state: null }]))).toThrow(ProtocolError);
    expect(() => registry.receive(sara, update([{ clientId: 11, clock: 1, state: { cursor: null } }], [0]))).toThrow(ProtocolError);
    expect(awareness.getStates().size).toBe(0);
    expect(sara.clientIds.size).toBe(0);
  });

  it("lets a connection bring only a few client ids, across messages", () => {
    const { awareness, registry, owner } = setUp();
    const flood = owner("Sara");
    for (let id = 1; id <= MAX_CLIENT_IDS_PER_CONNECTION; id++) registry.receive(flood, update([{ clientId: id, clock: 1, state: { cursor: null } }]));
    expect(() => registry.receive(flood, update([{ clientId: 99, clock: 1, state: { cursor: null } }]))).toThrow(PresenceLimitExceeded);
    // Its own ids it may go on updating.
    registry.receive(flood, update([{ clientId: 1, clock: 2, state: { cursor: caret } }]));
    expect(awareness.getStates().get(1)).toEqual({ user: flood.user, cursor: caret });
    registry.remove(flood);
    expect(awareness.getStates().size).toBe(0);
  });

  it("skips echoes: other connections' ids, removals and old news of ids nobody holds", () => {
    const { awareness, registry, owner } = setUp();
    const alva = owner("Alva", "pupil");
    const sara = owner("Sara");
    registry.receive(alva, update([{ clientId: 1, clock: 3, state: { cursor: caret } }]));
    // Sara's client sends Alva's state back (as the stock client does), and a higher clock besides.
    registry.receive(sara, update([{ clientId: 1, clock: 3, state: { cursor: caret } }, { clientId: 1, clock: 9, state: { cursor: null } }]));
    expect(awareness.getStates().get(1)).toEqual({ user: alva.user, cursor: caret });
    registry.remove(alva);
    // After Alva left: her removal and her last state come back from Sara; neither is news.
    for (let round = 0; round < 10; round++) registry.receive(sara, update([{ clientId: 1, clock: 3, state: null }, { clientId: 1, clock: 3, state: { cursor: caret } }]));
    expect(awareness.getStates().has(1)).toBe(false);
    expect(sara.clientIds.size).toBe(0);
    // Alva's tab reconnecting with news of itself gets its id back.
    const again = owner("Alva", "pupil");
    registry.receive(again, update([{ clientId: 1, clock: 4, state: { cursor: null } }]));
    expect(awareness.getStates().get(1)).toEqual({ user: again.user, cursor: null });
  });
});
