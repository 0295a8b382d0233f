import Bold from "@tiptap/extension-bold";
import Document from "@tiptap/extension-document";
import HardBreak from "@tiptap/extension-hard-break";
import Italic from "@tiptap/extension-italic";
import { BulletList, ListItem, ListKeymap, OrderedList } from "@tiptap/extension-list";
import Paragraph from "@tiptap/extension-paragraph";
import Text from "@tiptap/extension-text";

/**
 * What a section's text may contain — paragraphs, bold, italic, lists, line breaks — and nothing
 * more: a plan is plain prose (no headings, quotes or code), and every extension is JavaScript
 * every guardian's phone downloads. The server accepts exactly these nodes and marks
 * (sectionNodes and sectionMarks in app/shared/collab-protocol.ts).
 */
export const contentExtensions = [Document, Paragraph, Text, Bold, Italic, HardBreak, BulletList, OrderedList, ListItem, ListKeymap];
