import * as Y from "yjs";

/** The pupil's text as the editor keeps it: a paragraph holding one XmlText, in section "about". */
export function textOf(doc: Y.Doc): Y.XmlText | null {
  const paragraph = doc.getXmlFragment("about").get(0) as Y.XmlElement | undefined;
  return (paragraph?.get(0) as Y.XmlText | undefined) ?? null;
}

export function typeOne(doc: Y.Doc, char: string) {
  const fragment = doc.getXmlFragment("about");
  doc.transact(() => {
    let paragraph = fragment.get(0) as Y.XmlElement | undefined;
    if (!paragraph) {
      paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText()]);
      fragment.insert(0, [paragraph]);
    }
    const text = paragraph.get(0) as Y.XmlText;
    text.insert(text.length, char);
  });
}
