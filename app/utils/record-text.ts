/** ProseMirror JSON of one section's text: {type, attrs?, marks?, text?, content?}. */
export interface RecordNode {
  type: string;
  text?: string;
  marks?: Array<{ type: string }>;
  attrs?: Record<string, unknown>;
  content?: RecordNode[];
}

/** The plain text of a section, paragraph by paragraph (for the PDF and the verify page). */
export function recordNodeText(nodes: RecordNode[]): string[] {
  const lines: string[] = [];
  const walk = (node: RecordNode, prefix: string) => {
    if (node.type === "paragraph" || node.type === "heading") {
      lines.push(prefix + (node.content ?? []).map((child) => child.text ?? "").join(""));
    } else if (node.type === "bulletList" || node.type === "orderedList") {
      (node.content ?? []).forEach((item, index) => {
        const marker = node.type === "bulletList" ? "• " : `${index + 1}. `;
        (item.content ?? []).forEach((child, childIndex) => walk(child, childIndex === 0 ? marker : "   "));
      });
    } else {
      for (const child of node.content ?? []) walk(child, prefix);
    }
  };
  for (const node of nodes) walk(node, "");
  return lines.filter((line, index) => line.trim() !== "" || index > 0);
}
