import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { ProtocolError } from "./errors";
import { changesDocument, touchesOnlySections } from "./update-guard";

/** The server's document with a paragraph of text in "goals", and a client that holds the same. */
function setUp() {
  const server = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("Öva på bråk.")]);
  server.getXmlFragment("goals").insert(0, [paragraph]);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** The update a change on the client makes. */
function updateOf(client: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const listen = (update: Uint8Array) => updates.push(update);
  client.on("update", listen);
  change(client);
  client.off("update", listen);
  return Y.mergeUpdates(updates);
}

const textOf = (doc: Y.Doc) => (doc.getXmlFragment("goals").get(0) as Y.XmlElement).get(0) as Y.XmlText;
const sections = (name: string) => ["goals", "about"].includes(name);

describe("what a reader's update changes", () => {
  it("nothing, when it only repeats what the document has (the ordinary sync reply, deletions included)", () => {
    const { server, client } = setUp();
    const deletion = updateOf(server, () => textOf(server).delete(0, 4));
    Y.applyUpdate(client, deletion);
    expect(changesDocument(Y.encodeStateAsUpdate(client), server)).toBe(false);
    expect(changesDocument(Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)), server)).toBe(false);
  });

  it("something, when it inserts, deletes what is there, or deletes what the document never had", () => {
    const { server, client } = setUp();
    expect(changesDocument(updateOf(client, (doc) => textOf(doc).insert(0, "x")), server)).toBe(true);
    const deleteOnly = updateOf(client, (doc) => textOf(doc).delete(0, 1));
    expect(Y.decodeUpdate(deleteOnly).structs).toEqual([]);
    expect(changesDocument(deleteOnly, server)).toBe(true);
    // A deletion of something the server does not hold: a change it cannot check, so refused.
    const other = new Y.Doc();
    other.getText("t").insert(0, "abc");
    const ghost = updateOf(other, (doc) => doc.getText("t").delete(0, 3));
    expect(changesDocument(ghost, server)).toBe(true);
  });

  it("is refused as malformed when it cannot be decoded", () => {
    const { server } = setUp();
    expect(() => changesDocument(new Uint8Array([5, 255, 255, 255, 1, 0, 0]), server)).toThrow(ProtocolError);
  });
});

describe("where a writer's update lands", () => {
  it("in the plan's sections: typing, new paragraphs, deletions", () => {
    const { client } = setUp();
    expect(touchesOnlySections(updateOf(client, (doc) => textOf(doc).insert(3, "abc")), sections)).toBe(true);
    expect(touchesOnlySections(updateOf(client, (doc) => doc.getXmlFragment("about").insert(0, [new Y.XmlElement("paragraph")])), sections)).toBe(true);
    expect(touchesOnlySections(updateOf(client, (doc) => textOf(doc).delete(0, 2)), sections)).toBe(true);
  });

  it("not outside them: another root, a map on a section's name, or both at once", () => {
    const { client } = setUp();
    expect(touchesOnlySections(updateOf(client, (doc) => doc.getMap("evil").set("x", 1)), sections)).toBe(false);
    expect(touchesOnlySections(updateOf(client, (doc) => doc.getMap("about").set("x", 1)), sections)).toBe(false);
    const mixed = updateOf(client, (doc) =>
      doc.transact(() => {
        textOf(doc).insert(0, "ok");
        doc.getXmlFragment("elsewhere").insert(0, [new Y.XmlText("no")]);
      }),
    );
    expect(touchesOnlySections(mixed, sections)).toBe(false);
  });
});
