import { getSchema } from "@tiptap/core";
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { contentExtensions } from "../../app/editor/content-extensions";
import { MAX_NODE_DEPTH, sectionBlockNodes, sectionMarks, sectionNodeAttributes, sectionNodeContent, sectionNodes } from "../../app/shared/collab-protocol";
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

  it("only children a node has in the editors' schema: no paragraph in a paragraph, nothing in a line break", () => {
    const paragraph = (doc: Y.Doc) => doc.getXmlFragment("goals").get(0) as Y.XmlElement;
    const element = (name: string, ...children: Array<Y.XmlElement | Y.XmlText>) => {
      const made = new Y.XmlElement(name);
      made.insert(0, children);
      return made;
    };
    const refused: Array<[string, (doc: Y.Doc) => void]> = [
      ["a paragraph in a paragraph", (doc) => paragraph(doc).insert(1, [element("paragraph", new Y.XmlText("inuti"))])],
      ["a paragraph in a new paragraph", (doc) => doc.getXmlFragment("goals").insert(1, [element("paragraph", element("paragraph"))])],
      ["text in a line break", (doc) => paragraph(doc).insert(1, [element("hardBreak", new Y.XmlText("dold"))])],
      ["a line break in a line break", (doc) => paragraph(doc).insert(1, [element("hardBreak", element("hardBreak"))])],
      ["a list in a paragraph", (doc) => paragraph(doc).insert(1, [element("bulletList", element("listItem", element("paragraph")))])],
      ["a list item in a paragraph", (doc) => paragraph(doc).insert(1, [element("listItem")])],
      ["a paragraph straight in a list", (doc) => doc.getXmlFragment("goals").insert(1, [element("bulletList", element("paragraph"))])],
      ["text straight in a list item", (doc) => doc.getXmlFragment("goals").insert(1, [element("orderedList", element("listItem", new Y.XmlText("lös")))])],
      ["a list item in a list item", (doc) => doc.getXmlFragment("goals").insert(1, [element("bulletList", element("listItem", element("paragraph"), element("listItem")))])],
    ];
    for (const [what, edit] of refused) {
      const { server, client } = setUp();
      expect(fits(server, updateOf(client, edit)), what).toBe(false);
    }
    // A child added to a line break the server already holds, in a later update.
    const { server, client } = setUp();
    const withBreak = updateOf(client, (doc) => paragraph(doc).insert(1, [new Y.XmlElement("hardBreak")]));
    expect(fits(server, withBreak)).toBe(true);
    Y.applyUpdate(server, withBreak);
    expect(fits(server, updateOf(client, (doc) => (paragraph(doc).get(1) as Y.XmlElement).insert(0, [new Y.XmlText("dold")])))).toBe(false);
  });

  /** Each step nests one more list (list, item, paragraph) in the last item the client holds. */
  const nestList = (doc: Y.Doc) => {
    let item: Y.XmlElement | null = null;
    for (let node = doc.getXmlFragment("about").get(0); node instanceof Y.XmlElement; node = node.get(node.length - 1)) {
      if (node.nodeName === "listItem") item = node;
    }
    const list = new Y.XmlElement("bulletList");
    const next = new Y.XmlElement("listItem");
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("djupare")]);
    next.insert(0, [paragraph]);
    list.insert(0, [next]);
    if (item) item.insert(item.length, [list]);
    else doc.getXmlFragment("about").insert(0, [list]);
  };
  const depthOf = (doc: Y.Doc) => {
    let depth = 0;
    for (let node = doc.getXmlFragment("about").get(0); node instanceof Y.XmlElement; node = node.get(node.length - 1)) depth++;
    return depth;
  };

  it("nothing nested deeper than MAX_NODE_DEPTH, whether built in one update or across several", () => {
    // Across several updates, each a list deeper: accepted up to the limit, then refused.
    const { server, client } = setUp();
    for (;;) {
      const update = updateOf(client, nestList);
      if (depthOf(client) > MAX_NODE_DEPTH) {
        expect(fits(server, update)).toBe(false);
        break;
      }
      expect(fits(server, update), `depth ${depthOf(client)}`).toBe(true);
      Y.applyUpdate(server, update);
    }
    expect(depthOf(server)).toBeGreaterThan(MAX_NODE_DEPTH - 3);
    // Several levels per update, the top of each inside what the server holds.
    const stepwise = setUp();
    let refusedAt = 0;
    for (let round = 1; refusedAt === 0; round++) {
      const update = updateOf(stepwise.client, (doc) => doc.transact(() => Array.from({ length: 5 }, () => nestList(doc))));
      if (fits(stepwise.server, update)) Y.applyUpdate(stepwise.server, update);
      else refusedAt = depthOf(stepwise.client);
    }
    expect(refusedAt).toBeGreaterThan(MAX_NODE_DEPTH);
    expect(refusedAt - 15).toBeLessThanOrEqual(MAX_NODE_DEPTH);
    // A chain thousands deep in one update: refused, without overflowing the guard's own stack.
    const deep = setUp();
    const chain = updateOf(deep.client, (doc) => doc.transact(() => Array.from({ length: 2000 }, () => nestList(doc))));
    expect(fits(deep.server, chain)).toBe(false);
  });

  it("what the editors write: lists nested a few levels, line breaks, and the merge of two writers' offline edits", () => {
    const { server, client } = setUp();
    const item = (text: string, ...lists: object[]) => ({ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text }, { type: "hardBreak" }, { type: "text", text: "mer" }] }, ...lists] });
    let list: object = { type: "orderedList", attrs: { start: 1 }, content: [item("innerst")] };
    for (let level = 0; level < 8; level++) list = { type: level % 2 ? "orderedList" : "bulletList", ...(level % 2 ? { attrs: { start: 1 } } : {}), content: [item(`nivå ${level}`, list), item("syskon")] };
    const nested = updateOf(client, (doc) => prosemirrorJSONToYXmlFragment(schema, { type: "doc", content: [list, { type: "paragraph" }] }, doc.getXmlFragment("about")));
    expect(fits(server, nested)).toBe(true);
    Y.applyUpdate(server, nested);
    // Two writers offline nest lists under the same item; the server gets one's, then the other's sync reply.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
    const deeper = (doc: Y.Doc) => {
      for (let count = 0; count < 3; count++) nestList(doc);
    };
    deeper(client);
    deeper(other);
    for (const writer of [client, other]) {
      const reply = Y.encodeStateAsUpdate(writer, Y.encodeStateVector(server));
      expect(fits(server, reply)).toBe(true);
      Y.applyUpdate(server, reply);
    }
    const deepest = (node: Y.XmlElement | Y.XmlFragment): number => Math.max(0, ...node.toArray().map((child) => (child instanceof Y.XmlElement ? 1 + deepest(child) : 0)));
    // Nine list levels, each a list and an item, then the paragraph and its line break.
    expect(deepest(server.getXmlFragment("about"))).toBe(2 * 9 + 2);
    expect(server.getXmlFragment("about").toString().match(/djupare/g)).toHaveLength(6);
  });

  it("what a writer offline wrote in a paragraph deleted meanwhile: taken (Yjs drops it), and her other offline edits with it", () => {
    const { server, client } = setUp();
    // A blank line after the paragraph, on the server and on her device.
    Y.applyUpdate(client, updateOf(server, (doc) => doc.getXmlFragment("goals").insert(1, [new Y.XmlElement("paragraph")])));
    // Offline, she writes on the blank line (its text is the paragraph's first child: Yjs names
    // the paragraph as its parent) and in another section.
    const offline = updateOf(client, (doc) => {
      const text = new Y.XmlText();
      (doc.getXmlFragment("goals").get(1) as Y.XmlElement).insert(0, [text]);
      text.insert(0, "Läsa mer.");
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("Jag gillar att rita.")]);
      doc.getXmlFragment("about").insert(0, [paragraph]);
    });
    // Meanwhile someone removes the blank line on the server; Yjs keeps its struct, emptied.
    server.getXmlFragment("goals").delete(1, 1);
    expect(fits(server, offline)).toBe(true);
    Y.applyUpdate(server, offline);
    expect(server.getXmlFragment("goals").toString()).toBe("<paragraph>Öva på bråk.</paragraph>");
    expect(server.getXmlFragment("about").toString()).toBe("<paragraph>Jag gillar att rita.</paragraph>");
    expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(client));
  });

  it("is the editors' schema: the same nodes, children, attributes and marks", () => {
    expect(Object.keys(schema.nodes).filter((name) => name !== "doc" && name !== "text").sort()).toEqual([...sectionNodes].sort());
    // Every node type each content expression can reach, in any order or number.
    const children = (name: string) => {
      const seen = new Set<unknown>();
      const types = new Set<string>();
      const queue = [schema.nodes[name]!.contentMatch];
      while (queue.length > 0) {
        const match = queue.pop()!;
        if (seen.has(match)) continue;
        seen.add(match);
        for (let index = 0; index < match.edgeCount; index++) {
          types.add(match.edge(index).type.name);
          queue.push(match.edge(index).next);
        }
      }
      return types;
    };
    expect([...children("doc")].sort()).toEqual([...sectionBlockNodes].sort());
    expect(Object.keys(sectionNodeContent).sort()).toEqual([...sectionNodes].sort());
    for (const name of sectionNodes) {
      const types = children(name);
      expect({ nodes: [...types].filter((type) => type !== "text").sort(), text: types.has("text") }, name).toEqual({ nodes: [...sectionNodeContent[name]!.nodes].sort(), text: sectionNodeContent[name]!.text });
    }
    expect(Object.keys(schema.marks).sort()).toEqual([...sectionMarks].sort());
    for (const [name, type] of Object.entries(schema.nodes)) {
      expect(Object.keys(type.spec.attrs ?? {}).sort(), name).toEqual(Object.keys(sectionNodeAttributes[name] ?? {}).sort());
    }
    // Marks without attributes: y-tiptap writes `{}` for each, which is all the guard lets through.
    for (const [name, type] of Object.entries(schema.marks)) expect(type.spec.attrs ?? {}, name).toEqual({});
  });
});
