import { getSchema } from "@tiptap/core";
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { contentExtensions } from "../../app/editor/content-extensions";
import { sectionMarks, sectionNodes } from "../../app/shared/collab-protocol";
import { ProtocolError } from "./errors";
import { changesDocument, fitsThePlan } from "./update-guard";

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

describe("what a writer's update may add", () => {
  const schema = getSchema(contentExtensions);
  const fits = (server: Y.Doc, update: Uint8Array) => fitsThePlan(update, server, sections);

  it("the editors' own content, as y-tiptap writes it: paragraphs, marks, lists, line breaks, typing, deleting", () => {
    const { server, client } = setUp();
    const written = updateOf(client, (doc) =>
      prosemirrorJSONToYXmlFragment(
        schema,
        {
          type: "doc",
          content: [
            { type: "paragraph", content: [{ type: "text", text: "Fet", marks: [{ type: "bold" }] }, { type: "hardBreak" }, { type: "text", text: "kursiv", marks: [{ type: "italic" }] }] },
            { type: "orderedList", attrs: { start: 3 }, content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "ett" }] }] }] },
            { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph" }] }] },
          ],
        },
        doc.getXmlFragment("about"),
      ),
    );
    expect(fits(server, written)).toBe(true);
    Y.applyUpdate(server, written);
    // Typing in the middle of a text, with and without a mark; then deleting.
    expect(fits(server, updateOf(client, (doc) => textOf(doc).insert(3, "abc")))).toBe(true);
    expect(fits(server, updateOf(client, (doc) => textOf(doc).insert(0, "fet", { bold: {} })))).toBe(true);
    expect(fits(server, updateOf(client, (doc) => textOf(doc).format(0, 3, { italic: null })))).toBe(true);
    expect(fits(server, updateOf(client, (doc) => textOf(doc).delete(0, 2)))).toBe(true);
    expect(fits(server, updateOf(client, (doc) => doc.getXmlFragment("goals").insert(1, [new Y.XmlElement("paragraph")])))).toBe(true);
  });

  it("nothing outside the sections: another root, a map on a section's name, or both at once", () => {
    const { server, client } = setUp();
    expect(fits(server, updateOf(client, (doc) => doc.getMap("evil").set("x", 1)))).toBe(false);
    expect(fits(server, updateOf(client, (doc) => doc.getMap("about").set("x", 1)))).toBe(false);
    const mixed = updateOf(client, (doc) =>
      doc.transact(() => {
        textOf(doc).insert(0, "ok");
        doc.getXmlFragment("elsewhere").insert(0, [new Y.XmlElement("paragraph")]);
      }),
    );
    expect(fits(server, mixed)).toBe(false);
  });

  it("nothing the editors cannot draw: other nodes or marks, text at a section's top, other kinds of content", () => {
    const paragraph = (doc: Y.Doc) => doc.getXmlFragment("goals").get(0) as Y.XmlElement;
    const cases: Array<[string, (doc: Y.Doc) => void]> = [
      ["a heading", (doc) => doc.getXmlFragment("goals").insert(0, [new Y.XmlElement("heading")])],
      ["a script element", (doc) => paragraph(doc).insert(0, [new Y.XmlElement("script")])],
      ["a list item at the top", (doc) => doc.getXmlFragment("goals").insert(0, [new Y.XmlElement("listItem")])],
      ["text at the top", (doc) => doc.getXmlFragment("goals").insert(0, [new Y.XmlText("lös text")])],
      ["text right after the top paragraph", (doc) => doc.getXmlFragment("goals").insert(1, [new Y.XmlText("lös text")])],
      ["an unknown mark", (doc) => textOf(doc).insert(0, "x", { underline: {} })],
      ["a link", (doc) => textOf(doc).format(0, 2, { link: { href: "https://evil.example" } })],
      ["an embed in text", (doc) => textOf(doc).insertEmbed(0, { image: "x" })],
      ["another text run in a paragraph", (doc) => paragraph(doc).insert(0, [new Y.XmlText()])],
      ["a Y.Map in a paragraph", (doc) => (paragraph(doc) as unknown as Y.Array<unknown>).insert(0, [new Y.Map()])],
      ["plain values in a paragraph", (doc) => (paragraph(doc) as unknown as Y.Array<unknown>).insert(0, ["x", 1])],
    ];
    for (const [what, edit] of cases) {
      const { server, client } = setUp();
      expect(fits(server, updateOf(client, edit)), what).toBe(what === "another text run in a paragraph");
    }
  });

  it("is the editors' schema: the same nodes and marks", () => {
    expect(Object.keys(schema.nodes).filter((name) => name !== "doc" && name !== "text").sort()).toEqual([...sectionNodes].sort());
    expect(Object.keys(schema.marks).sort()).toEqual([...sectionMarks].sort());
  });
});
