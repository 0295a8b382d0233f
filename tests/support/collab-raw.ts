import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as Y from "yjs";

/**
 * A raw websocket to /collab that speaks the y-websocket protocol byte by byte, for sending what
 * no well-behaved client would (malformed, forged or oversized messages). Messages are built
 * with lib0's encoders, the way y-protocols builds them.
 */
export interface RawCollabSocket {
  socket: WebSocket;
  /** Every binary message the server sent, in order. */
  received: Uint8Array[];
  /** Resolves with `{ open: true }`, or with the HTTP status of a refused upgrade. */
  outcome: Promise<{ open?: true; status?: number }>;
  /** Resolves with the close code once the connection is closed (either side). */
  closed: Promise<number>;
  /** The close code so far, or null while open. */
  closeCode(): number | null;
  send(message: Uint8Array): void;
}

export function openRawSocket(baseUrl: string, planId: string, cookie: string | null): RawCollabSocket {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/collab/${planId}`, { headers: cookie ? { Cookie: cookie } : {} });
  const received: Uint8Array[] = [];
  let code: number | null = null;
  socket.on("message", (data) => received.push(new Uint8Array(data as Buffer)));
  const outcome = new Promise<{ open?: true; status?: number }>((resolve) => {
    socket.on("unexpected-response", (_request, response) => resolve({ status: response.statusCode }));
    socket.on("open", () => resolve({ open: true }));
    socket.on("error", () => resolve({}));
  });
  const closed = new Promise<number>((resolve) =>
    socket.on("close", (closeCode) => {
      code = closeCode;
      resolve(closeCode);
    }),
  );
  return {
    socket,
    received,
    outcome,
    closed,
    closeCode: () => code,
    send(message) {
      if (socket.readyState === WebSocket.OPEN) socket.send(message);
    },
  };
}

function encode(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** y-websocket messages, encoded as the stock client encodes them. */
export const collabMessage = {
  syncStep1: (stateVector: Uint8Array) =>
    encode((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, stateVector);
    }),
  syncStep2: (update: Uint8Array) =>
    encode((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, update);
    }),
  update: (update: Uint8Array) =>
    encode((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, update);
    }),
  /** An awareness update; `state` is JSON-encoded unless `json` gives the exact text. */
  awareness: (entries: Array<{ clientId: number; clock: number; state?: unknown; json?: string }>) =>
    encode((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(
        e,
        encode((inner) => {
          encoding.writeVarUint(inner, entries.length);
          for (const entry of entries) {
            encoding.writeVarUint(inner, entry.clientId);
            encoding.writeVarUint(inner, entry.clock);
            encoding.writeVarString(inner, entry.json ?? JSON.stringify(entry.state ?? null));
          }
        }),
      );
    }),
};

/**
 * The update a change to a copy of `doc` makes, as a client holding that content would send it.
 * `clientId` sets the copy's Yjs client id (a forger picks any).
 */
export function updateFrom(doc: Y.Doc, change: (copy: Y.Doc) => void, clientId?: number): Uint8Array {
  const copy = new Y.Doc();
  if (clientId !== undefined) copy.clientID = clientId;
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const updates: Uint8Array[] = [];
  copy.on("update", (update: Uint8Array) => updates.push(update));
  change(copy);
  copy.destroy();
  return Y.mergeUpdates(updates);
}

/** A caret at the start of a section's first text, as y-tiptap sends it (Yjs relative positions). */
export function caretIn(doc: Y.Doc, fragment: string): { anchor: unknown; head: unknown } {
  const first = doc.getXmlFragment(fragment).get(0) as Y.XmlElement | undefined;
  const text = first?.get(0) as Y.XmlText | undefined;
  const position = text ? Y.createRelativePositionFromTypeIndex(text, 0) : Y.createRelativePositionFromTypeIndex(doc.getXmlFragment(fragment), 0);
  const json = JSON.parse(JSON.stringify(position)) as unknown;
  return { anchor: json, head: json };
}
