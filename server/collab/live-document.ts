import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { CloseCode, MessageType, type PresenceUser } from "../../app/shared/collab-protocol";
import { PlanLockedViolation, ProtocolError, ReadOnlyViolation } from "./errors";
import { PresenceRegistry, type PresenceOwner } from "./presence";
import type { UpdateJournal } from "./update-journal";
import { changesDocument, fitsThePlan } from "./update-guard";
import { encodeMessage, expectEnd, readVarUint, readVarUint8Array } from "./wire";

export { PlanLockedViolation, ProtocolError, ReadOnlyViolation } from "./errors";

/**
 * Most a connection may have waiting to go out before it is closed (4408). A client that stops
 * reading but keeps asking (every SyncStep1 is answered with what it lacks, up to the whole
 * document) would otherwise grow the server's memory until it dies. A plan is a few hundred kB
 * at most, so a slow phone that still reads stays far below this.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface ConnectionUser extends PresenceUser {
  /** Stable per person and plan, so the same person in two tabs shows once. Not the person id. */
  key: string;
}

export interface Connection extends PresenceOwner {
  socket: WebSocket;
  personId: string;
  canWrite: boolean;
  user: ConnectionUser;
  /** Set once a change from this connection has been accepted and stored. */
  hasWritten: boolean;
  /** The client asked for acknowledgements (`?acks=1`): it is told, with `Stored`, how many of its
   * sync replies and updates are handled and stored. */
  wantsAcks: boolean;
  /** Sync replies and updates received from this connection so far (what `Stored` counts). */
  writesReceived: number;
}

/** The parts around the core (see index.ts): storage, the plan's sections, the audit log. */
export interface LiveDocumentOptions {
  /** Where accepted updates are stored (shared by all documents of a database); also loads. */
  journal: UpdateJournal;
  /** Compact the stored update log after this many appended updates. */
  compactEvery: number;
  /** Whether a root type of this document is one of the plan's sections. */
  isSection(name: string): boolean;
  /** A connection's first change has been accepted and stored (the log's "wrote in the plan"). */
  onFirstWrite(connection: Connection): void;
  onStoreFailure(planId: string, error: unknown): void;
  /** A failed compaction loses nothing (the journal keeps the rows for the next load); it is told here. */
  onCompactionFailure(planId: string, error: unknown): void;
  /** A connection was let go of because it fell too far behind reading (see MAX_BUFFERED_BYTES). */
  onTooSlow?(connection: Connection): void;
}

/**
 * One plan's Y.Doc in memory with its connections: the protocol core. An accepted update is
 * broadcast only once the journal has it on disk (at the end of the task that received it), and
 * anything a client receives in a sync reply has been stored first. Loading is synchronous
 * (better-sqlite3) and completes before the first sync reply: there is no window in which a client
 * sees a half-loaded doc. A connection that has been let go of (refused, signed out, rights
 * changed) counts for nothing from that moment, whatever it still sends.
 */
export class LiveDocument {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<Connection>();
  private readonly presence: PresenceRegistry;
  private broken = false;
  private destroyed = false;
  /** Connections owed a `Stored` acknowledgement, with the count to send (sent together, once per task). */
  private readonly acksDue = new Map<Connection, number>();
  private acksScheduled = false;
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
    this.presence = new PresenceRegistry(this.awareness, options.isSection);
    this.doc.on("update", this.onDocumentUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
  }

  private onDocumentUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === "storage" || this.broken) return;
    const writer = this.connections.has(origin as Connection) ? (origin as Connection) : null;
    this.options.journal.append({
      planId: this.planId,
      update,
      stored: () => {
        if (this.broken || this.destroyed) return;
        const message = encodeMessage((e) => {
          encoding.writeVarUint(e, MessageType.Sync);
          syncProtocol.writeUpdate(e, update);
        });
        for (const connection of this.connections) {
          if (connection !== origin) this.send(connection, message);
        }
        if (writer && !writer.hasWritten) {
          writer.hasWritten = true;
          this.options.onFirstWrite(writer);
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
      encoding.writeVarUint(e, MessageType.Awareness);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    });
    // Everyone, the sender too: it learns the name and role the server gave it.
    for (const connection of this.connections) this.send(connection, message);
  };

  get isBroken() {
    return this.broken;
  }

  /** Greets a new connection: our state vector (SyncStep1) and who is here. */
  addConnection(connection: Connection) {
    this.connections.add(connection);
    this.send(
      connection,
      encodeMessage((e) => {
        encoding.writeVarUint(e, MessageType.Sync);
        syncProtocol.writeSyncStep1(e, this.doc);
      }),
    );
    const present = [...this.awareness.getStates().keys()];
    if (present.length > 0) {
      this.send(
        connection,
        encodeMessage((e) => {
          encoding.writeVarUint(e, MessageType.Awareness);
          encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, present));
        }),
      );
    }
  }

  /** Lets go of a connection: nothing it sends counts any more, and its presence goes for everyone. */
  removeConnection(connection: Connection) {
    if (!this.connections.delete(connection)) return;
    this.presence.remove(connection);
  }

  /**
   * Handles one binary message from a connection. Throws a Refusal (errors.ts) for anything
   * malformed or not allowed; the caller lets the connection go. Nothing is applied from a
   * read-only connection, or from one already let go of.
   */
  receive(connection: Connection, data: Uint8Array) {
    // Broken: the document holds a change that could not be stored and everyone is about to be
    // let go of; nothing more is read, and nothing of the document goes out.
    if (this.broken || !this.connections.has(connection)) return;
    const decoder = decoding.createDecoder(data);
    const type = readVarUint(decoder);
    switch (type) {
      case MessageType.Sync:
        return this.receiveSync(connection, decoder);
      case MessageType.Awareness: {
        const update = readVarUint8Array(decoder);
        expectEnd(decoder);
        return this.presence.receive(connection, update);
      }
      case MessageType.QueryAwareness: {
        expectEnd(decoder);
        const ids = [...this.awareness.getStates().keys()];
        this.send(
          connection,
          encodeMessage((e) => {
            encoding.writeVarUint(e, MessageType.Awareness);
            encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
          }),
        );
        return;
      }
      default:
        // Auth (2) is a server-to-client message; anything else is not y-websocket.
        throw new ProtocolError("unknown message type");
    }
  }

  private receiveSync(connection: Connection, decoder: decoding.Decoder) {
    const syncType = readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const stateVector = readVarUint8Array(decoder);
      expectEnd(decoder);
      // The reply may hold updates accepted in this task: store them before anyone can have them.
      this.options.journal.flush();
      if (this.broken) return;
      let reply: Uint8Array;
      try {
        reply = Y.encodeStateAsUpdate(this.doc, stateVector);
      } catch {
        throw new ProtocolError("malformed state vector");
      }
      this.send(
        connection,
        encodeMessage((e) => {
          encoding.writeVarUint(e, MessageType.Sync);
          encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
          encoding.writeVarUint8Array(e, reply);
        }),
      );
      return;
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new ProtocolError("unknown sync message");
    }
    const update = readVarUint8Array(decoder);
    expectEnd(decoder);
    const seq = ++connection.writesReceived;
    this.applyWrite(connection, update);
    // Handled without a refusal: acknowledged once what it changed (if anything) is stored.
    if (connection.wantsAcks) this.options.journal.afterStored(this.planId, () => this.acknowledge(connection, seq));
  }

  /** A sync reply or update from a connection: applied if it may and does change the document. */
  private applyWrite(connection: Connection, update: Uint8Array) {
    if (this.locked) {
      // Locked: new content and deletions alike are refused, never applied.
      if (changesDocument(update, this.doc)) throw new PlanLockedViolation();
      return;
    }
    if (!connection.canWrite) {
      // A read-only client answers our SyncStep1 with what we lack: normally nothing new, and
      // deletions we already have. Any change is a write attempt; it is never applied, and the
      // connection is closed (its later updates would depend on the refused one).
      if (changesDocument(update, this.doc)) throw new ReadOnlyViolation();
      return;
    }
    if (!fitsThePlan(update, this.doc, this.options.isSection)) throw new ProtocolError("content outside the plan's sections or the editors' schema");
    const { store } = this.doc;
    const { pendingStructs, pendingDs } = store;
    try {
      Y.applyUpdate(this.doc, update, connection);
    } catch {
      throw new ProtocolError("malformed update");
    }
    if (store.pendingStructs !== pendingStructs || store.pendingDs !== pendingDs) {
      // An update that builds on changes the server never had: kept pending it would grow without
      // bound. Ours never sends one (it holds changes back until synced: send-when-synced.ts); the
      // stock client does when typing just as a socket opens after offline edits. What could be
      // applied of it stands.
      store.pendingStructs = pendingStructs;
      store.pendingDs = pendingDs;
      throw new ProtocolError("update depends on changes the server does not have");
    }
  }

  /**
   * Owes `connection` an acknowledgement up to its `seq`th write. Sent at the end of the task, one
   * message per connection however many of its writes one commit stored. Never after a failed
   * store: the plan is broken then, and everyone is sent away (4500) without one.
   */
  private acknowledge(connection: Connection, seq: number) {
    if (this.broken || this.destroyed || !this.connections.has(connection)) return;
    this.acksDue.set(connection, seq);
    if (this.acksScheduled) return;
    this.acksScheduled = true;
    queueMicrotask(() => {
      this.acksScheduled = false;
      const due = [...this.acksDue];
      this.acksDue.clear();
      if (this.broken || this.destroyed) return;
      for (const [dueConnection, count] of due) {
        if (!this.connections.has(dueConnection)) continue;
        this.send(
          dueConnection,
          encodeMessage((e) => {
            encoding.writeVarUint(e, MessageType.Stored);
            encoding.writeVarUint(e, count);
          }),
        );
      }
    });
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

  private send(connection: Connection, message: Uint8Array) {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // Queue nothing more: let it go. ws destroys the socket if the close is not answered in 30 s.
      this.removeConnection(connection);
      socket.close(CloseCode.TooSlow, "too far behind reading");
      this.options.onTooSlow?.(connection);
      return;
    }
    socket.send(message, (error) => {
      if (error) socket.terminate();
    });
  }
}
