import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { isSectionNodeAttribute } from "~/shared/collab-protocol";
import { contentExtensions } from "./content-extensions";

/** The attributes the editor reads from a pasted `<ol>` (its parse rule, as ProseMirror calls it). */
function pastedOrderedList(attributes: Record<string, string>) {
  const rule = getSchema(contentExtensions).nodes.orderedList!.spec.parseDOM!.find((r) => "tag" in r && r.tag === "ol")!;
  const element = {
    hasAttribute: (name: string) => Object.hasOwn(attributes, name),
    getAttribute: (name: string) => (Object.hasOwn(attributes, name) ? attributes[name]! : null),
    querySelector: () => null,
  } as unknown as HTMLElement;
  const attrs = (rule.getAttrs?.(element) ?? {}) as Record<string, unknown>;
  // What getAttrs leaves out, ProseMirror fills with the attribute's default.
  return { start: attrs.start ?? 1, type: attrs.type ?? null };
}

describe("a pasted numbered list", () => {
  it("keeps a numbering the server accepts", () => {
    expect(pastedOrderedList({ start: "3", type: "a" })).toEqual({ start: 3, type: "a" });
    expect(pastedOrderedList({})).toEqual({ start: 1, type: null });
  });

  it("falls back to the plain numbering where Tiptap would write what the server refuses", () => {
    // Stock Tiptap reads these as NaN and "disc": an update the server closes the writer for (4400).
    for (const [given, read] of [
      [{ start: "" }, { start: 1, type: null }],
      [{ start: "tre" }, { start: 1, type: null }],
      [{ start: "2", type: "disc" }, { start: 2, type: null }],
    ] as const) {
      const pasted = pastedOrderedList(given);
      expect(pasted, JSON.stringify(given)).toEqual(read);
      expect(isSectionNodeAttribute("orderedList", "start", pasted.start)).toBe(true);
    }
  });
});
