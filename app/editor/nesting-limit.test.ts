import { getSchema } from "@tiptap/core";
import type { Node as ProseMirrorNode, Schema } from "@tiptap/pm/model";
import { sinkListItem } from "@tiptap/pm/schema-list";
import { EditorState, TextSelection, type Transaction } from "@tiptap/pm/state";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { describe, expect, it, vi } from "vitest";
import { MAX_NODE_DEPTH } from "~/shared/collab-protocol";
import { contentExtensions } from "./content-extensions";
import { deepestNode, nestingLimitPlugin } from "./nesting-limit";

const schema: Schema = getSchema(contentExtensions);

/** A bullet list `levels` deep whose deepest list has the items `last`; its last paragraph is at 2 × levels + 1. */
function nestedList(levels: number, last: string[]): ProseMirrorNode {
  const item = (text: string, nested?: ProseMirrorNode) =>
    schema.nodes.listItem!.create(null, [schema.nodes.paragraph!.create(null, schema.text(text)), ...(nested ? [nested] : [])]);
  let list = schema.nodes.bulletList!.create(null, last.map((text) => item(text)));
  for (let level = levels - 1; level >= 1; level--) list = schema.nodes.bulletList!.create(null, [item(`nivå ${level}`, list)]);
  return schema.nodes.doc!.create(null, [list]);
}

/** The editor's state with the limit, the cursor in the paragraph holding `text`. */
function editorAt(doc: ProseMirrorNode, text: string) {
  const refused = vi.fn();
  let cursor = 0;
  doc.descendants((node, pos) => {
    if (node.isText && node.text === text) cursor = pos + 1;
  });
  const state = EditorState.create({ doc, plugins: [nestingLimitPlugin(refused)], selection: TextSelection.create(doc, cursor) });
  return { state, refused };
}

/** Runs a command; the state after it, and whether a transaction was made at all. */
function run(state: EditorState, command: (state: EditorState, dispatch: (tr: Transaction) => void) => boolean) {
  let next = state;
  command(state, (tr) => {
    next = state.apply(tr);
  });
  return next;
}

describe("the editor's nesting limit", () => {
  it("counts as the server does: a top-level list item's paragraph is at 3", () => {
    expect(deepestNode(nestedList(1, ["a"]))).toBe(3);
    expect(deepestNode(nestedList(31, ["a", "b"]))).toBe(63);
  });

  it("indents a list item while it stays within the limit", () => {
    const { state, refused } = editorAt(nestedList(30, ["a", "b"]), "b");
    const after = run(state, sinkListItem(schema.nodes.listItem!));
    expect(deepestNode(after.doc)).toBe(63);
    expect(refused).not.toHaveBeenCalled();
  });

  it("does not indent past it, and says so", () => {
    const { state, refused } = editorAt(nestedList(31, ["a", "b"]), "b");
    expect(MAX_NODE_DEPTH).toBe(64);
    const after = run(state, sinkListItem(schema.nodes.listItem!));
    expect(after.doc.eq(state.doc)).toBe(true);
    expect(refused).toHaveBeenCalledOnce();
  });

  it("does not take a pasted list that would nest past it", () => {
    const { state, refused } = editorAt(schema.nodes.doc!.create(null, [schema.nodes.paragraph!.create(null, schema.text("x"))]), "x");
    const deep = nestedList(33, ["djup"]).content;
    const after = state.apply(state.tr.replaceWith(0, state.doc.content.size, deep));
    expect(after.doc.eq(state.doc)).toBe(true);
    expect(refused).toHaveBeenCalledOnce();
  });

  it("never holds back what comes from the shared document, and lets her write in text that is already deeper", () => {
    const { state, refused } = editorAt(schema.nodes.doc!.create(null, [schema.nodes.paragraph!.create(null, schema.text("x"))]), "x");
    const deep = nestedList(33, ["djup"]).content;
    const fromOthers = state.apply(state.tr.replaceWith(0, state.doc.content.size, deep).setMeta(ySyncPluginKey, { isChangeOrigin: true }));
    expect(deepestNode(fromOthers.doc)).toBe(67);
    const typed = fromOthers.apply(fromOthers.tr.insertText("!", fromOthers.doc.content.size - 4));
    expect(typed.doc.textContent).toContain("!");
    expect(refused).not.toHaveBeenCalled();
  });
});
