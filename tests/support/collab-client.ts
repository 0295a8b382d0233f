import * as decoding from "lib0/decoding";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sendLocalChangesOnceSynced } from "../../app/editor/send-when-synced";

/**
 * A real y-websocket client in Node that signs its upgrade with a session cookie (or, `asGuest`,
 * asks for a guest's admission by the guest's cookie). With `acks`, it asks for the server's
 * `Stored` acknowledgements (DOCUMENT-SHAPE.md) and records, for each sync reply or update it
 * sends, what `snapshot` returned just then — so a test can tell exactly what the server has
 * acknowledged (`acknowledged()`), as the browser does.
 */
export function connectToPlan(
  baseUrl: string,
  planId: string,
  cookie: string | null,
  options: { acks?: boolean; snapshot?: (doc: Y.Doc) => string; asGuest?: boolean; connect?: boolean; sendOnceSynced?: boolean } = {},
) {
  const doc = new Y.Doc();
  /** What `snapshot` said at each write sent on the current socket (index 0: before any). */
  let sentSnapshots: string[] = [];
  let lastAcknowledged: string | null = null;
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: cookie ? { Cookie: cookie } : {} });
      sentSnapshots = [];
    }
    override send(data: Parameters<WebSocket["send"]>[0], ...rest: unknown[]) {
      if (options.snapshot && data instanceof Uint8Array && data[0] === 0 && (data[1] === 1 || data[1] === 2)) sentSnapshots.push(options.snapshot(doc));
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, "ws")}/collab`, planId, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    // Tests assert behaviour, not timing: reconnect quickly.
    maxBackoffTime: 200,
    // Acknowledgements on request; a guest's view asks for a guest's admission (see server/collab).
    params: { ...(options.acks ? { acks: "1" } : {}), ...(options.asGuest ? { as: "guest" } : {}) },
    // `connect: false`: changes can be made first, as offline (provider.connect() then).
    connect: options.connect ?? true,
  });
  // As the browser does (plan-connection.client.ts); without it, the stock client's behaviour.
  if (options.sendOnceSynced) sendLocalChangesOnceSynced(provider, doc);
  let acks = 0;
  if (options.acks) {
    provider.messageHandlers[4] = (_encoder, decoder) => {
      const count = decoding.readVarUint(decoder);
      acks += 1;
      if (count > 0 && sentSnapshots[count - 1] !== undefined) lastAcknowledged = sentSnapshots[count - 1]!;
    };
  }
  const closeCodes: number[] = [];
  provider.on("connection-close", (event) => {
    if (event) closeCodes.push(event.code);
  });
  return {
    doc,
    provider,
    closeCodes,
    /** How many acknowledgements arrived. */
    acks: () => acks,
    /** The snapshot taken when the latest acknowledged write was sent (null before any). */
    acknowledged: () => lastAcknowledged,
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
