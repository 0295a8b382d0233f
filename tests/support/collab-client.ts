import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

/** A real y-websocket client in Node that signs its upgrade with a session cookie. */
export function connectToPlan(baseUrl: string, planId: string, cookie: string | null, options: { asGuest?: boolean } = {}) {
  const doc = new Y.Doc();
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: cookie ? { Cookie: cookie } : {} });
    }
  }
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, "ws")}/collab`, planId, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    // Tests assert behaviour, not timing: reconnect quickly.
    maxBackoffTime: 200,
    // A guest's view asks for a guest's admission (see server/collab).
    ...(options.asGuest ? { params: { as: "guest" } } : {}),
  });
  const closeCodes: number[] = [];
  provider.on("connection-close", (event) => {
    if (event) closeCodes.push(event.code);
  });
  return {
    doc,
    provider,
    closeCodes,
    synced: () =>
      new Promise<void>((resolve) => {
        if (provider.synced) return resolve();
        const onSync = (synced: boolean) => {
          if (!synced) return;
          provider.off("sync", onSync);
          resolve();
        };
        provider.on("sync", onSync);
      }),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export type PlanClient = ReturnType<typeof connectToPlan>;

/** Appends text to the last paragraph of a section (creating one), as an editor would. */
export function typeInto(doc: Y.Doc, fragmentName: string, text: string) {
  const fragment = doc.getXmlFragment(fragmentName);
  doc.transact(() => {
    let paragraph = fragment.get(fragment.length - 1) as Y.XmlElement | undefined;
    if (!paragraph) {
      paragraph = new Y.XmlElement("paragraph");
      fragment.insert(0, [paragraph]);
    }
    let textNode = paragraph.get(0) as Y.XmlText | undefined;
    if (!textNode) {
      textNode = new Y.XmlText();
      paragraph.insert(0, [textNode]);
    }
    textNode.insert(textNode.length, text);
  });
}

/** The plain text of a section. */
export function sectionText(doc: Y.Doc, fragmentName: string): string {
  const fragment = doc.getXmlFragment(fragmentName);
  return fragment
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().map((child) => (child instanceof Y.XmlText ? child.toString() : "")).join("") : ""))
    .join("\n");
}
