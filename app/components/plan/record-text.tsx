import type { ReactNode } from "react";
import type { RecordNode } from "~/utils/record-text";

/**
 * A stored text (ProseMirror JSON, as in a signed record) drawn read-only: paragraphs, lists, bold
 * and italic — what the plan's editors can make. Anything else shows its text.
 */
export function RecordText({ nodes }: { nodes: RecordNode[] }) {
  return <div className="record-text">{nodes.map((node, index) => renderNode(node, index))}</div>;
}

function renderNode(node: RecordNode, key: number): ReactNode {
  const children = (node.content ?? []).map((child, index) => renderNode(child, index));
  switch (node.type) {
    case "paragraph":
    case "heading":
      return <p key={key}>{children}</p>;
    case "bulletList":
      return <ul key={key}>{children}</ul>;
    case "orderedList":
      return <ol key={key}>{children}</ol>;
    case "listItem":
      return <li key={key}>{children}</li>;
    case "hardBreak":
      return <br key={key} />;
    case "text": {
      let text: ReactNode = node.text ?? "";
      for (const mark of node.marks ?? []) {
        if (mark.type === "bold") text = <strong>{text}</strong>;
        else if (mark.type === "italic") text = <em>{text}</em>;
      }
      return <span key={key}>{text}</span>;
    }
    default:
      return <span key={key}>{children}</span>;
  }
}
