import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import { MAX_CLIENT_IDS_PER_CONNECTION, readClientPresence, type PresenceUser } from "../../app/shared/collab-protocol";
import { PresenceLimitExceeded, ProtocolError } from "./errors";
import { encodeMessage, expectEnd, readVarString, readVarUint } from "./wire";

/** Who a presence entry speaks for: one connection, its user as the session says. */
export interface PresenceOwner {
  user: PresenceUser;
  /** Awareness client ids this connection has used; nobody else may use them. */
  clientIds: Set<number>;
}

/** Largest Yjs client id (unsigned 32 bits). */
const MAX_CLIENT_ID = 0xffff_ffff;

/**
 * The server's side of awareness for one document. A client's update is read whole before any of
 * it is applied: each state must have the shape the app uses (app/shared/collab-protocol.ts), and
 * is relayed with only those fields and with `user` from the session; a client id belongs to the
 * connection that first brought news of it; a connection may bring only a few ids. Anything else
 * refuses the whole message (the caller lets the connection go, and `remove` takes its states away).
 *
 * The stock y-websocket client sends back every awareness change it receives, everyone's, so a
 * message may carry many entries about other connections' ids, and about ids whose connection has
 * left: those are echoes, not claims, and are skipped (they carry no clock newer than the server's).
 */
export class PresenceRegistry {
  private readonly owners = new Map<number, PresenceOwner>();

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    /** Which root names a caret may point into (the plan's sections). */
    private readonly isSection: (name: string) => boolean,
  ) {}

  receive(owner: PresenceOwner, update: Uint8Array): void {
    const decoder = decoding.createDecoder(update);
    const count = readVarUint(decoder);
    const entries: Array<{ clientId: number; clock: number; state: object | null }> = [];
    const claimed = new Set<number>();
    for (let i = 0; i < count; i++) {
      const clientId = readVarUint(decoder);
      const clock = readVarUint(decoder);
      const json = readVarString(decoder);
      if (clientId > MAX_CLIENT_ID) throw new ProtocolError("awareness client id out of range");
      const current = this.owners.get(clientId);
      const mine = current === owner || claimed.has(clientId);
      // Someone else's id (no posing as them), or old news of an id nobody holds: an echo, skipped unread.
      if (!mine && (current || clock <= (this.awareness.meta.get(clientId)?.clock ?? 0))) continue;
      const read = readClientPresence(json, this.isSection);
      if (!read.ok) throw read.error === "tooLarge" ? new PresenceLimitExceeded("awareness state too large") : new ProtocolError("malformed awareness state");
      if (!mine) {
        if (read.state === null) continue;
        if (owner.clientIds.size + claimed.size >= MAX_CLIENT_IDS_PER_CONNECTION) throw new PresenceLimitExceeded("too many awareness client ids");
        claimed.add(clientId);
      }
      // Who someone is comes from the server's session, never from what the client claims.
      entries.push({ clientId, clock, state: read.state && { user: owner.user, cursor: read.state.cursor } });
    }
    expectEnd(decoder);
    if (entries.length === 0) return;
    for (const id of claimed) {
      this.owners.set(id, owner);
      owner.clientIds.add(id);
    }
    const checked = encodeMessage((e) => {
      encoding.writeVarUint(e, entries.length);
      for (const entry of entries) {
        encoding.writeVarUint(e, entry.clientId);
        encoding.writeVarUint(e, entry.clock);
        encoding.writeVarString(e, JSON.stringify(entry.state));
      }
    });
    awarenessProtocol.applyAwarenessUpdate(this.awareness, checked, owner);
  }

  /** Takes a connection's states away for everyone and frees its client ids. */
  remove(owner: PresenceOwner): void {
    const ids = [...owner.clientIds];
    for (const id of ids) this.owners.delete(id);
    const present = ids.filter((id) => this.awareness.getStates().has(id));
    if (present.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, present, owner);
  }
}
