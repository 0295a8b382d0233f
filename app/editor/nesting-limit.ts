import { Extension } from "@tiptap/core";
import type { Node as ProseMirrorNode } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { MAX_NODE_DEPTH } from "~/shared/collab-protocol";

/** How deep the deepest node of a section's text is, its top blocks being 1 (as the server counts). */
export function deepestNode(doc: ProseMirrorNode): number {
  let deepest = 0;
  const visit = (node: ProseMirrorNode, depth: number) => {
    if (depth > deepest) deepest = depth;
    node.forEach((child) => {
      if (!child.isText) visit(child, depth + 1);
    });
  };
  doc.forEach((child) => {
    if (!child.isText) visit(child, 1);
  });
  return deepest;
}

export interface NestingLimitOptions {
  /** Told when an edit of this person's was not made because it nested too deep. */
  onRefused(): void;
}

/**
 * The editor does not make a list deeper than the server takes (MAX_NODE_DEPTH): the server
 * closes a writer whose update nests deeper (4400), which would cost the pupil her connection for
 * one Tab too many or a pasted list. Her own edit is not made and she is told why; what comes from
 * the shared document (others' edits, undo) is never held back, or her editor would part from it,
 * and text already deeper (stored before the limit) can still be written in.
 */
export function nestingLimitPlugin(onRefused: () => void): Plugin {
  return new Plugin({
    key: new PluginKey("nestingLimit"),
    filterTransaction(tr) {
      if (!tr.docChanged || tr.getMeta(ySyncPluginKey)?.isChangeOrigin) return true;
      const after = deepestNode(tr.doc);
      if (after <= MAX_NODE_DEPTH || after <= deepestNode(tr.before)) return true;
      onRefused();
      return false;
    },
  });
}

export const NestingLimit = Extension.create<NestingLimitOptions>({
  name: "nestingLimit",
  addOptions() {
    return { onRefused: () => {} };
  },
  addProseMirrorPlugins() {
    return [nestingLimitPlugin(() => this.options.onRefused())];
  },
});
