import type { Attributes } from "@tiptap/core";
import Bold from "@tiptap/extension-bold";
import Document from "@tiptap/extension-document";
import HardBreak from "@tiptap/extension-hard-break";
import Italic from "@tiptap/extension-italic";
import { BulletList, ListItem, ListKeymap, OrderedList } from "@tiptap/extension-list";
import Paragraph from "@tiptap/extension-paragraph";
import Text from "@tiptap/extension-text";
import { isSectionNodeAttribute } from "~/shared/collab-protocol";

/**
 * A pasted list keeps only a numbering the server accepts: Tiptap reads `<ol start="">` as NaN and
 * takes any `type` as is, and the server closes a writer whose update holds such a value (4400),
 * which would cost the pupil her connection for a paste.
 */
const CheckedOrderedList = OrderedList.extend({
  addAttributes() {
    const parent: Attributes = this.parent?.() ?? {};
    const checked = (name: string, fallback: unknown) => ({
      ...parent[name],
      parseHTML: (element: HTMLElement) => {
        const value = parent[name]?.parseHTML?.(element);
        return isSectionNodeAttribute("orderedList", name, value) ? value : fallback;
      },
    });
    return { ...parent, start: checked("start", 1), type: checked("type", null) };
  },
});

/**
 * What a section's text may contain — paragraphs, bold, italic, lists, line breaks — and nothing
 * more: a plan is plain prose (no headings, quotes or code), and every extension is JavaScript
 * every guardian's phone downloads. The server accepts exactly these nodes, children and marks
 * (sectionNodes, sectionNodeContent and sectionMarks in app/shared/collab-protocol.ts).
 */
export const contentExtensions = [Document, Paragraph, Text, Bold, Italic, HardBreak, BulletList, CheckedOrderedList, ListItem, ListKeymap];
