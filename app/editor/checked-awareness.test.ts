import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { roleColors } from "~/shared/collab-protocol";
import { CheckedAwareness } from "./checked-awareness";

/** An awareness update as a server would relay it, with whatever states it carries. */
function relayed(entries: Array<{ clientId: number; clock: number; state: unknown }>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

function setUp() {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  const checked = new CheckedAwareness(awareness);
  const text = new Y.XmlText("Hej");
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [text]);
  doc.getXmlFragment("goals").insert(0, [paragraph]);
  const position = JSON.parse(JSON.stringify(Y.createRelativePositionFromTypeIndex(text, 1))) as unknown;
  return { doc, awareness, checked, caret: { anchor: position, head: position } };
}

const mentor = { name: "Jonas", role: "mentor", color: roleColors.mentor };

describe("the browser's checked awareness", () => {
  it("gives editors only well-formed peers, whatever the server relayed, and our own state as it is", () => {
    const { awareness, checked, caret } = setUp();
    awareness.setLocalState({ user: { name: "Alva", role: "pupil", color: roleColors.pupil }, cursor: null, mine: true });
    awarenessProtocol.applyAwarenessUpdate(
      awareness,
      relayed([
        { clientId: 1, clock: 1, state: { user: mentor, cursor: caret } },
        { clientId: 2, clock: 1, state: { user: mentor, cursor: { anchor: null, head: null } } },
        { clientId: 3, clock: 1, state: { user: mentor, cursor: {} } },
        { clientId: 4, clock: 1, state: "garbage" },
        { clientId: 5, clock: 1, state: { user: "Rektor", cursor: caret } },
        { clientId: 6, clock: 1, state: { user: { ...mentor, color: "red; background: url(x)" }, cursor: caret } },
      ]),
      "server",
    );
    const states = checked.getStates();
    expect([...states.keys()].sort()).toEqual([1, 2, 3, awareness.clientID].sort());
    expect(states.get(1)).toEqual({ user: mentor, cursor: caret });
    expect(states.get(2)).toEqual({ user: mentor, cursor: null });
    expect(states.get(3)).toEqual({ user: mentor, cursor: null });
    expect(states.get(awareness.clientID)).toEqual(awareness.getLocalState());
    expect(checked.states).toBe(states);
  });

  it("is up to date for every listener: its own runs first", () => {
    const { awareness, checked, caret } = setUp();
    const seen: number[][] = [];
    checked.on("change", () => seen.push([...checked.getStates().keys()].filter((id) => id !== awareness.clientID)));
    awarenessProtocol.applyAwarenessUpdate(awareness, relayed([{ clientId: 7, clock: 1, state: { user: mentor, cursor: caret } }]), "server");
    awarenessProtocol.applyAwarenessUpdate(awareness, relayed([{ clientId: 7, clock: 2, state: null }]), "server");
    expect(seen).toEqual([[7], []]);
  });

  it("passes our own changes through to the real awareness", () => {
    const { awareness, checked, caret } = setUp();
    checked.setLocalStateField("cursor", caret);
    expect(awareness.getLocalState()).toEqual(expect.objectContaining({ cursor: caret }));
    expect(checked.getLocalState()).toBe(awareness.getLocalState());
    expect(checked.clientID).toBe(awareness.clientID);
  });
});
