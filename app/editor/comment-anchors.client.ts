import { Extension } from "@tiptap/core";
import type { EditorState } from "@tiptap/pm/state";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import * as Y from "yjs";

/** A thread anchored to a passage: the passage's ends as Yjs relative positions (JSON text). */
export interface AnchoredThread {
  id: string;
  start: string;
  end: string;
  open: boolean;
}

interface Options {
  getThreads(): AnchoredThread[];
  /** Called when the set of threads whose passage has been deleted changes. */
  onDetached(threadIds: string[]): void;
  onActivate(threadId: string): void;
}

export const commentAnchorsKey = new PluginKey("commentAnchors");

/** The binding between this editor and its Y.XmlFragment, once y-sync has set it up. */
function syncState(state: EditorState) {
  const ystate = ySyncPluginKey.getState(state) as
    | { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: Map<Y.AbstractType<unknown>, unknown> } | null }
    | undefined;
  return ystate?.binding ? ystate : null;
}

function toAbsolute(state: NonNullable<ReturnType<typeof syncState>>, json: string): number | null {
  try {
    const position = Y.createRelativePositionFromJSON(JSON.parse(json));
    return relativePositionToAbsolutePosition(state.doc, state.type, position, state.binding!.mapping as never);
  } catch {
    return null;
  }
}

/** The current selection as a passage to comment on, or null when nothing is selected. */
export function selectedPassage(state: EditorState): { start: string; end: string; quote: string } | null {
  const { from, to, empty } = state.selection;
  return empty ? null : passageBetween(state, from, to);
}

/** The paragraphs (and list items' paragraphs) of a section, for choosing one by keyboard. */
export function paragraphsOf(state: EditorState): Array<{ from: number; to: number; text: string }> {
  const found: Array<{ from: number; to: number; text: string }> = [];
  state.doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    const text = node.textContent.trim();
    if (text) found.push({ from: pos + 1, to: pos + 1 + node.content.size, text });
    return false;
  });
  return found;
}

/** A passage between two positions, as relative positions that follow the words. */
export function passageBetween(state: EditorState, from: number, to: number): { start: string; end: string; quote: string } | null {
  const ystate = syncState(state);
  const quote = state.doc.textBetween(from, to, " ").trim();
  if (from >= to || !ystate || quote === "") return null;
  const mapping = ystate.binding!.mapping as never;
  const start = absolutePositionToRelativePosition(from, ystate.type, mapping);
  const end = absolutePositionToRelativePosition(to, ystate.type, mapping);
  return {
    start: JSON.stringify(Y.relativePositionToJSON(start)),
    end: JSON.stringify(Y.relativePositionToJSON(end)),
    quote,
  };
}

/**
 * Highlights the passages that threads are about. Positions are resolved from the Yjs relative
 * positions on every state, so a highlight follows its words through anyone's edits; a passage
 * that resolves to nothing (its words were deleted) is reported as detached.
 */
export const CommentAnchors = Extension.create<Options>({
  name: "commentAnchors",
  addOptions() {
    return { getThreads: () => [], onDetached: () => {}, onActivate: () => {} };
  },
  addProseMirrorPlugins() {
    const options = this.options;
    let reported = "";
    const cache = new WeakMap<EditorState, DecorationSet>();
    const decorate = (state: EditorState): DecorationSet => {
      const cached = cache.get(state);
      if (cached) return cached;
      const ystate = syncState(state);
      if (!ystate) return DecorationSet.empty;
      const decorations: Decoration[] = [];
      const detached: string[] = [];
      for (const thread of options.getThreads()) {
        const from = toAbsolute(ystate, thread.start);
        const to = toAbsolute(ystate, thread.end);
        if (from === null || to === null || from >= to) {
          detached.push(thread.id);
          continue;
        }
        decorations.push(
          Decoration.inline(from, to, {
            class: thread.open ? "comment-anchor" : "comment-anchor comment-anchor-resolved",
            "data-thread": thread.id,
          }),
        );
      }
      const key = detached.sort().join(",");
      if (key !== reported) {
        reported = key;
        // Not during a render of the editor view: tell React afterwards.
        queueMicrotask(() => options.onDetached(detached));
      }
      const set = DecorationSet.create(state.doc, decorations);
      cache.set(state, set);
      return set;
    };
    return [
      new Plugin({
        key: commentAnchorsKey,
        props: {
          decorations: decorate,
          handleClick(view, _pos, event) {
            const target = (event.target as HTMLElement | null)?.closest?.("[data-thread]");
            const id = target?.getAttribute("data-thread");
            if (id && view.dom.contains(target!)) options.onActivate(id);
            return false;
          },
        },
      }),
    ];
  },
});
