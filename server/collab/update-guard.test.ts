import { getSchema } from "@tiptap/core";
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { contentExtensions } from "../../app/editor/content-extensions";
import { sectionMarks, sectionNodeAttributes, sectionNodes } from "../../app/shared/collab-protocol";
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

  it("only the attributes the editors have, with values they write; marks only as where they start and end", () => {
    const list = (attributes: Record<string, unknown>) => (doc: Y.Doc) => {
      const element = new Y.XmlElement("orderedList");
      for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value as string);
      const item = new Y.XmlElement("listItem");
      item.insert(0, [new Y.XmlElement("paragraph")]);
      element.insert(0, [item]);
      doc.getXmlFragment("goals").insert(0, [element]);
    };
    const paragraph = (doc: Y.Doc) => doc.getXmlFragment("goals").get(0) as Y.XmlElement;
    const accepted: Array<[string, (doc: Y.Doc) => void]> = [
      ["a list with a start and a list type, as y-tiptap writes a pasted one", (doc) =>
        prosemirrorJSONToYXmlFragment(schema, { type: "doc", content: [{ type: "orderedList", attrs: { start: 4, type: "i" }, content: [{ type: "listItem", content: [{ type: "paragraph" }] }] }] }, doc.getXmlFragment("about"))],
      ["a list starting below zero", list({ start: -2 })],
      ["every list type HTML has", list({ type: "1", start: 1 })],
      ["bold where it starts and where it ends", (doc) => textOf(doc).format(0, 3, { bold: {} })],
      ["italic taken off", (doc) => textOf(doc).format(0, 3, { italic: null })],
    ];
    for (const type of ["a", "A", "i", "I"]) accepted.push([`list type ${type}`, list({ type })]);
    const refused: Array<[string, (doc: Y.Doc) => void]> = [
      ["a hidden attribute on a paragraph", (doc) => paragraph(doc).setAttribute("data-note", "signed unseen")],
      ["an attribute the list does not have", list({ start: 2, reversed: true })],
      ["an attribute named as an Object property", list({ constructor: "x" })],
      ["an attribute on a list item", (doc) => {
        const element = new Y.XmlElement("bulletList");
        const item = new Y.XmlElement("listItem");
        item.setAttribute("checked", true as unknown as string);
        element.insert(0, [item]);
        doc.getXmlFragment("goals").insert(0, [element]);
      }],
      ["a start that is text", list({ start: "3" })],
      ["a start that is no whole number", list({ start: 1.5 })],
      ["a start that is an object", list({ start: { hidden: "signed unseen" } })],
      ["a list type HTML does not have", list({ type: "signed unseen" })],
      ["a list type that is null", list({ type: null })],
      ["bold with a value", (doc) => textOf(doc).format(0, 2, { bold: { note: "signed unseen" } })],
      ["italic as true", (doc) => textOf(doc).format(0, 2, { italic: true })],
      ["bold as text", (doc) => textOf(doc).insert(0, "x", { bold: "signed unseen" })],
      ["bold as an array", (doc) => textOf(doc).format(0, 2, { bold: [] })],
    ];
    for (const [what, edit] of accepted) {
      const { server, client } = setUp();
      expect(fits(server, updateOf(client, edit)), what).toBe(true);
    }
    for (const [what, edit] of refused) {
      const { server, client } = setUp();
      expect(fits(server, updateOf(client, edit)), what).toBe(false);
    }
  });

  it("no root type that is no section, even for content already deleted (a placeholder creates its root all the same)", () => {
    // What the client sends in a sync reply after it wrote and deleted: placeholders (ContentDeleted).
    const deletedAfterwards = (write: (doc: Y.Doc) => void, remove: (doc: Y.Doc) => void) => {
      const { server, client } = setUp();
      write(client);
      remove(client);
      const reply = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
      expect(Y.decodeUpdate(reply).structs.some((struct) => struct instanceof Y.Item && struct.content instanceof Y.ContentDeleted)).toBe(true);
      return fits(server, reply);
    };
    expect(deletedAfterwards((doc) => doc.getMap("evil").set("x", 1), (doc) => doc.getMap("evil").delete("x"))).toBe(false);
    expect(deletedAfterwards((doc) => doc.getXmlFragment("elsewhere").insert(0, [new Y.XmlElement("paragraph")]), (doc) => doc.getXmlFragment("elsewhere").delete(0, 1))).toBe(false);
    // In a section, a deleted paragraph is what an editor's sync reply holds after typing offline.
    expect(deletedAfterwards((doc) => doc.getXmlFragment("about").insert(0, [new Y.XmlElement("paragraph")]), (doc) => doc.getXmlFragment("about").delete(0, 1))).toBe(true);
    expect(deletedAfterwards((doc) => textOf(doc).insert(0, "skrivet och struket"), (doc) => textOf(doc).delete(0, 19))).toBe(true);
  });

  it("is the editors' schema: the same nodes, attributes and marks", () => {
    expect(Object.keys(schema.nodes).filter((name) => name !== "doc" && name !== "text").sort()).toEqual([...sectionNodes].sort());
    expect(Object.keys(schema.marks).sort()).toEqual([...sectionMarks].sort());
    for (const [name, type] of Object.entries(schema.nodes)) {
      expect(Object.keys(type.spec.attrs ?? {}).sort(), name).toEqual(Object.keys(sectionNodeAttributes[name] ?? {}).sort());
    }
    // Marks without attributes: y-tiptap writes `{}` for each, which is all the guard lets through.
    for (const [name, type] of Object.entries(schema.marks)) expect(type.spec.attrs ?? {}, name).toEqual({});
  });
});
