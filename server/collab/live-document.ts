import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import type { PlanRole } from "../../app/editor/plan-roles";
import { CloseCode } from "./close-codes";
import type { UpdateJournal } from "./update-journal";

/** y-websocket message types (the first varUint of every message). */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

/** An awareness state larger than this is not a caret and a name: refuse it. */
const MAX_AWARENESS_STATE_CHARS = 16_384;

export interface ConnectionUser {
  /** Stable per person and plan, so the same person in two tabs shows once. Not the person id. */
  key: string;
  name: string;
  role: PlanRole;
  color: string;
}

export interface Connection {
  socket: WebSocket;
  personId: string;
  canWrite: boolean;
  user: ConnectionUser;
  /** Awareness client ids this connection has used; nobody else may use them. */
  clientIds: Set<number>;
}

export class ProtocolError extends Error {}

export interface LiveDocumentOptions {
  /** Where accepted updates are stored (shared by all documents of a database). */
  journal: UpdateJournal;
  /** Compact the stored update log after this many appended updates. */
  compactEvery: number;
  onStoreFailure(planId: string, error: unknown): void;
  /** A failed compaction loses nothing (the journal keeps the rows for the next load); it is told here. */
  onCompactionFailure(planId: string, error: unknown): void;
}

/**
 * One plan's Y.Doc in memory with its connections. An accepted update is broadcast only once the
 * journal has it on disk (at the end of the task that received it), and anything a client receives in
 * a sync reply has been stored first. Loading is synchronous (better-sqlite3) and completes before
 * the first sync reply: there is no window in which a client sees a half-loaded doc.
 */
export class LiveDocument {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<Connection>();
  private readonly clientOwners = new Map<number, Connection>();
  private broken = false;
  private destroyed = false;
  /**
   * Set in the same synchronous step that freezes the plan for signing. From then on no update
   * is applied, whoever sends it and however it was queued: there is no await in between.
   */
  locked = false;

  constructor(
    readonly planId: string,
    readonly pupilId: string,
    private readonly options: LiveDocumentOptions,
  ) {
    const stored = options.journal.load(planId);
    Y.transact(this.doc, () => {
      if (stored.state) Y.applyUpdate(this.doc, stored.state);
      for (const update of stored.updates) Y.applyUpdate(this.doc, update);
    }, "storage");

    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null); // the server itself is not present in the plan
    this.doc.on("update", this.onDocumentUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
  }

  private onDocumentUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === "storage" || this.broken) return;
    this.options.journal.append({
      planId: this.planId,
      update,
      stored: () => {
        if (this.broken || this.destroyed) return;
        const message = encodeMessage((e) => {
          encoding.writeVarUint(e, MESSAGE_SYNC);
          syncProtocol.writeUpdate(e, update);
        });
        for (const connection of this.connections) {
          if (connection !== origin) send(connection, message);
        }
        if (this.options.journal.countStored(this.planId) >= this.options.compactEvery) this.compact();
      },
      failed: (error) => {
        // Not stored means not sent on: close everyone; clients keep their edits and resend them.
        if (this.broken) return;
        this.broken = true;
        this.options.onStoreFailure(this.planId, error);
      },
    });
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
  ) => {
    const changed = [...added, ...updated, ...removed];
    const message = encodeMessage((e) => {
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    });
    // Everyone, the sender too: it learns the name and role the server gave it.
    for (const connection of this.connections) send(connection, message);
  };

  get isBroken() {
    return this.broken;
  }

  /** Greets a new connection: our state vector (SyncStep1) and who is here. */
  addConnection(connection: Connection) {
    this.connections.add(connection);
    send(
      connection,
      encodeMessage((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        syncProtocol.writeSyncStep1(e, this.doc);
      }),
    );
    const present = [...this.awareness.getStates().keys()];
    if (present.length > 0) {
      send(
        connection,
        encodeMessage((e) => {
          encoding.writeVarUint(e, MESSAGE_AWARENESS);
          encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, present));
        }),
      );
    }
  }

  removeConnection(connection: Connection) {
    if (!this.connections.delete(connection)) return;
    const ids = [...connection.clientIds];
    for (const id of ids) this.clientOwners.delete(id);
    awarenessProtocol.removeAwarenessStates(this.awareness, ids.filter((id) => this.awareness.getStates().has(id)), connection);
  }

  /**
   * Handles one binary message from a connection. Throws ProtocolError for anything malformed
   * or not allowed; the caller closes that connection. Nothing is applied from a read-only one.
   */
  receive(connection: Connection, data: Uint8Array) {
    const decoder = decoding.createDecoder(data);
    const type = readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC:
        return this.receiveSync(connection, decoder);
      case MESSAGE_AWARENESS:
        return this.receiveAwareness(connection, readVarUint8Array(decoder));
      case MESSAGE_QUERY_AWARENESS: {
        const ids = [...this.awareness.getStates().keys()];
        send(
          connection,
          encodeMessage((e) => {
            encoding.writeVarUint(e, MESSAGE_AWARENESS);
            encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
          }),
        );
        return;
      }
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  }

  private receiveSync(connection: Connection, decoder: decoding.Decoder) {
    const syncType = readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const stateVector = readVarUint8Array(decoder);
      // The reply may hold updates accepted in this task: store them before anyone can have them.
      this.options.journal.flush();
      let reply: Uint8Array;
      try {
        reply = Y.encodeStateAsUpdate(this.doc, stateVector);
      } catch {
        throw new ProtocolError("malformed state vector");
      }
      send(
        connection,
        encodeMessage((e) => {
          encoding.writeVarUint(e, MESSAGE_SYNC);
          encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
          encoding.writeVarUint8Array(e, reply);
        }),
      );
      return;
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new ProtocolError(`unknown sync message ${syncType}`);
    }
    const update = readVarUint8Array(decoder);
    if (this.locked || !this.connections.has(connection)) {
      // Locked (or this connection was already let go): new content is refused, never applied.
      if (addsContent(update, this.doc)) throw new PlanLockedViolation();
      return;
    }
    if (!connection.canWrite) {
      // A read-only client answers our SyncStep1 with what we lack: normally nothing. Anything
      // new from it is a write attempt; it is never applied, and the connection is closed.
      if (addsContent(update, this.doc)) throw new ReadOnlyViolation();
      return;
    }
    try {
      Y.applyUpdate(this.doc, update, connection);
    } catch {
      throw new ProtocolError("malformed update");
    }
  }

  private receiveAwareness(connection: Connection, update: Uint8Array) {
    const decoder = decoding.createDecoder(update);
    const count = readVarUint(decoder);
    const entries: Array<{ clientId: number; clock: number; state: unknown }> = [];
    for (let i = 0; i < count; i++) {
      const clientId = readVarUint(decoder);
      const clock = readVarUint(decoder);
      const json = readVarString(decoder);
      if (json.length > MAX_AWARENESS_STATE_CHARS) throw new ProtocolError("awareness state too large");
      let state: unknown;
      try {
        state = JSON.parse(json);
      } catch {
        throw new ProtocolError("malformed awareness state");
      }
      const owner = this.clientOwners.get(clientId);
      // A client id belongs to the connection that used it first: no posing as someone else.
      if (owner && owner !== connection) continue;
      if (!owner) {
        this.clientOwners.set(clientId, connection);
        connection.clientIds.add(clientId);
      }
      // Who someone is comes from the server's session, never from what the client claims.
      const trusted = state !== null && typeof state === "object" ? { ...(state as object), user: connection.user } : null;
      entries.push({ clientId, clock, state: trusted });
    }
    if (entries.length === 0) return;
    const rewritten = encodeMessage((e) => {
      encoding.writeVarUint(e, entries.length);
      for (const entry of entries) {
        encoding.writeVarUint(e, entry.clientId);
        encoding.writeVarUint(e, entry.clock);
        encoding.writeVarString(e, JSON.stringify(entry.state));
      }
    });
    awarenessProtocol.applyAwarenessUpdate(this.awareness, rewritten, connection);
  }

  /** Writes the whole state as one row and drops the update rows it replaces. */
  compact() {
    this.options.journal.flush();
    if (this.broken || this.destroyed || this.options.journal.countStored(this.planId) === 0) return;
    try {
      this.options.journal.compact(this.planId, Y.encodeStateAsUpdate(this.doc));
    } catch (error) {
      this.options.onCompactionFailure(this.planId, error);
    }
  }

  /** Closes every connection with a code the client understands. */
  closeAll(code: number, reason: string) {
    for (const connection of [...this.connections]) {
      this.removeConnection(connection);
      connection.socket.close(code, reason);
    }
  }

  destroy() {
    this.destroyed = true;
    this.doc.off("update", this.onDocumentUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

export class PlanLockedViolation extends Error {
  readonly code = CloseCode.PlanLocked;
}

export class ReadOnlyViolation extends Error {
  readonly code = CloseCode.ReadOnly;
}

/** Whether an update holds structs the document does not have yet. */
function addsContent(update: Uint8Array, doc: Y.Doc): boolean {
  try {
    const missing = Y.diffUpdate(update, Y.encodeStateVector(doc));
    return Y.decodeUpdate(missing).structs.length > 0;
  } catch {
    throw new ProtocolError("malformed update");
  }
}

function encodeMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function send(connection: Connection, message: Uint8Array) {
  if (connection.socket.readyState !== connection.socket.OPEN) return;
  connection.socket.send(message, (error) => {
    if (error) connection.socket.terminate();
  });
}

// lib0's decoders throw plain Errors (or read past the end silently); wrap them as protocol errors.
function readVarUint(decoder: decoding.Decoder): number {
  if (!decoding.hasContent(decoder)) throw new ProtocolError("truncated message");
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError("malformed number");
  }
}

function readVarUint8Array(decoder: decoding.Decoder): Uint8Array {
  const length = readVarUint(decoder);
  if (decoder.pos + length > decoder.arr.length) throw new ProtocolError("truncated message");
  return decoding.readUint8Array(decoder, length);
}

function readVarString(decoder: decoding.Decoder): string {
  const bytes = readVarUint8Array(decoder);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ProtocolError("malformed string");
  }
}
