import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  CloseCode,
  MAX_PRESENCE_STATE_CHARS,
  isCaret,
  isPresenceUser,
  isRelativePositionJson,
  isSectionFragmentName,
  readClientPresence,
  readPeerPresence,
  reconnectsAfterClose,
  roleColors,
} from "./collab-protocol";

/** A section with a paragraph of text, and positions in it as y-tiptap makes them. */
function sectionWithText() {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment("goals");
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText("Öva på bråk.");
  paragraph.insert(0, [text]);
  fragment.insert(0, [paragraph]);
  return { doc, fragment, text };
}

const asSent = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe("relative positions", () => {
  it("accepts what Yjs and y-tiptap send: in a text, at a section's start, stringified or as relativePositionToJSON", () => {
    const { fragment, text } = sectionWithText();
    const inText = Y.createRelativePositionFromTypeIndex(text, 3);
    const atStart = Y.createRelativePositionFromTypeIndex(fragment, 0, -1);
    for (const position of [inText, atStart]) {
      expect(isRelativePositionJson(asSent(position))).toBe(true);
      expect(isRelativePositionJson(asSent(Y.relativePositionToJSON(position)))).toBe(true);
    }
  });

  it("refuses what Yjs cannot resolve or we do not use", () => {
    const bad: unknown[] = [
      null,
      {},
      "about",
      [],
      { type: null, tname: null, item: null, assoc: 0 },
      { type: { client: 1, clock: 2 }, tname: "goals" },
      { tname: "evil" },
      { tname: "x".repeat(300) },
      { tname: "goals", item: { client: "1", clock: 2 } },
      { tname: "goals", item: { client: -1, clock: 2 } },
      { tname: "goals", item: { client: 2 ** 32, clock: 2 } },
      { tname: "goals", item: { client: 1, clock: 2, extra: 3 } },
      { tname: "goals", item: { client: 1 } },
      { tname: "goals", assoc: 0.5 },
      { tname: "goals", assoc: "0" },
      { tname: "goals", extra: true },
    ];
    for (const value of bad) expect(isRelativePositionJson(value), JSON.stringify(value)).toBe(false);
  });

  it("names sections as the document does", () => {
    for (const name of ["about", "goals", "pupilActions", "schoolActions", "guardianActions", "subject-AbC_12-x"]) expect(isSectionFragmentName(name)).toBe(true);
    for (const name of ["", "evil", "subject-", "subject-a/b", `subject-${"a".repeat(65)}`, "About"]) expect(isSectionFragmentName(name)).toBe(false);
  });

  it("lets through nothing Yjs throws on while resolving it (any JSON, mutated positions)", () => {
    const { doc, text } = sectionWithText();
    const real = asSent(Y.createRelativePositionFromTypeIndex(text, 2)) as Record<string, unknown>;
    const json = fc.jsonValue({ maxDepth: 3 });
    const mutated = fc.record(
      { type: fc.oneof(json, fc.constant(real.type)), tname: fc.oneof(json, fc.constantFrom("goals", "about", "evil")), item: fc.oneof(json, fc.constant(real.item)), assoc: json },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(json, mutated), (value) => {
        if (!isRelativePositionJson(value)) return;
        const position = Y.createRelativePositionFromJSON(value);
        Y.createAbsolutePositionFromRelativePosition(position, doc);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("a state as a client sends it (server side)", () => {
  const caret = () => {
    const { text } = sectionWithText();
    const position = asSent(Y.createRelativePositionFromTypeIndex(text, 1));
    return { anchor: position, head: position };
  };

  it("keeps only the caret: the user comes from the session, other fields are dropped", () => {
    const cursor = caret();
    expect(readClientPresence(JSON.stringify({ user: { name: "Rektor" }, cursor, html: "<img>" }))).toEqual({ ok: true, state: { cursor } });
    expect(readClientPresence(JSON.stringify({ cursor: null }))).toEqual({ ok: true, state: { cursor: null } });
    expect(readClientPresence("{}")).toEqual({ ok: true, state: { cursor: null } });
    expect(readClientPresence("null")).toEqual({ ok: true, state: null });
  });

  it("refuses carets that are not two positions, states that are not objects, and text that is not JSON", () => {
    const { anchor } = caret();
    for (const state of [
      { cursor: { anchor: null, head: null } },
      { cursor: {} },
      { cursor: "garbage" },
      { cursor: { anchor, head: 7 } },
      { cursor: { anchor, head: anchor, extra: 1 } },
      { user: "Rektor" },
      "garbage",
      42,
      [1, 2],
      true,
    ]) {
      expect(readClientPresence(JSON.stringify(state)), JSON.stringify(state)).toEqual({ ok: false, error: "malformed" });
    }
    expect(readClientPresence("{not json")).toEqual({ ok: false, error: "malformed" });
  });

  it("refuses a state larger than a caret and a name before reading it", () => {
    const large = JSON.stringify({ cursor: null, pad: "x".repeat(MAX_PRESENCE_STATE_CHARS) });
    expect(readClientPresence(large)).toEqual({ ok: false, error: "tooLarge" });
  });

  it("asks which root names are this plan's sections (for carets at a section's top level)", () => {
    const { fragment } = sectionWithText();
    const position = asSent(Y.createRelativePositionFromTypeIndex(fragment, 0, -1));
    const cursor = { anchor: position, head: position };
    expect(readClientPresence(JSON.stringify({ cursor }), (name) => name === "about").ok).toBe(false);
    expect(readClientPresence(JSON.stringify({ cursor }), (name) => name === "goals").ok).toBe(true);
  });
});

describe("a peer's state as the browser uses it", () => {
  const user = { key: "abcdefABCDEF", name: "Jonas", role: "mentor", color: roleColors.mentor };

  it("keeps a well-formed user and caret, and nothing else", () => {
    const { text } = sectionWithText();
    const position = asSent(Y.createRelativePositionFromTypeIndex(text, 0));
    const cursor = { anchor: position, head: position };
    expect(readPeerPresence({ user: { ...user, extra: "x" }, cursor, html: "<b>" })).toEqual({ user, cursor });
  });

  it("shows a person whose caret is broken, without the caret", () => {
    for (const cursor of [{ anchor: null, head: null }, {}, "garbage", 5]) expect(readPeerPresence({ user, cursor })).toEqual({ user, cursor: null });
  });

  it("leaves out peers without a proper user", () => {
    for (const state of [
      null,
      "garbage",
      {},
      { user: "Jonas" },
      { user: { ...user, role: "rektor" } },
      { user: { ...user, color: "red; background: url(x)" } },
      { user: { ...user, name: "" } },
      { user: { ...user, name: "x".repeat(101) } },
      { user: { ...user, key: "person-id-1234567890" } },
    ]) {
      expect(readPeerPresence(state), JSON.stringify(state)).toBeNull();
    }
    expect(isPresenceUser({ name: "Alva", role: "pupil", color: roleColors.pupil })).toBe(true);
  });

  it("is the same check for a caret on both sides", () => {
    expect(isCaret({ anchor: { tname: "goals" }, head: { tname: "goals" } })).toBe(true);
    expect(isCaret({ anchor: { tname: "goals" } })).toBe(false);
  });
});

describe("which closes the browser comes back from by itself", () => {
  it("a socket closed for falling behind, the server's storage failing or going away: yes; the final ones: no", () => {
    expect(reconnectsAfterClose(CloseCode.TooSlow)).toBe(true);
    expect(reconnectsAfterClose(CloseCode.StorageFailed)).toBe(true);
    expect(reconnectsAfterClose(CloseCode.GoingAway)).toBe(true);
    expect(reconnectsAfterClose(1006)).toBe(true);
    for (const final of [CloseCode.Malformed, CloseCode.SessionEnded, CloseCode.ReadOnly, CloseCode.AccessChanged, CloseCode.PlanLocked, CloseCode.PresenceLimit]) {
      expect(reconnectsAfterClose(final)).toBe(false);
    }
  });
});
