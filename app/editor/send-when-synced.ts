import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import type { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { MessageType } from "~/shared/collab-protocol";

/**
 * y-websocket sends each local change the moment the socket is open, also before the sync
 * exchange has run. Changes made while there was no socket (offline, or between a close and the
 * reconnect) reach the server only in that exchange's sync reply, so a change made just after
 * the socket opened builds on changes the server does not have yet, and the server refuses it
 * (4400: it never keeps updates it cannot apply). This holds a socket's local changes back until
 * it has synced, then sends them as one sync reply (everything the server still lacked, as far as
 * this socket goes; the save state counts it so). Changes made with no socket open are left to
 * the next socket's sync reply, which carries everything.
 *
 * Installed in place of the provider's own update handler, at the same place among the doc's
 * update listeners (listeners registered after it still run after it).
 */
export function sendLocalChangesOnceSynced(provider: WebsocketProvider, doc: Y.Doc): void {
  let held: Uint8Array[] = [];
  const sendAtOnce = provider._updateHandler;
  const sendWhenSynced = (update: Uint8Array, origin: unknown) => {
    if (origin === provider) return;
    if (provider.synced) return sendAtOnce(update, origin);
    if (provider.wsconnected) held.push(update);
  };
  doc.off("update", sendAtOnce);
  doc.on("update", sendWhenSynced);
  // destroy() takes the handler off by this name.
  provider._updateHandler = sendWhenSynced;
  provider.on("status", ({ status }: { status: string }) => {
    // A new socket: its sync reply will carry everything made until now.
    if (status === "connected" || status === "disconnected") held = [];
  });
  provider.on("sync", (synced: boolean) => {
    if (!synced || held.length === 0) return;
    const update = Y.mergeUpdates(held);
    held = [];
    const socket = provider.ws;
    if (!socket || socket.readyState !== socket.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, update);
    socket.send(encoding.toUint8Array(encoder));
  });
}
