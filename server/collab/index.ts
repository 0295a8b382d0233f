import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { getPlan } from "../../db/queries/plans";
import { getSessionExpiry, type AppSessionStorage } from "../../db/queries/sessions";
import { ACKS_PARAM, CloseCode } from "../../app/shared/collab-protocol";
import { watchSession } from "../../app/utils/session-watch.server";
import type { Logger } from "../logger";
import type { AccessChange, ChangeBus, SessionChange } from "../plan-events";
import { recordWritingSession } from "./audit";
import { authenticateUpgrade, redecideRights, type Admission, type GuestAdmissions } from "./authenticate";
import { Refusal } from "./errors";
import { Heartbeat } from "./heartbeat";
import { LiveDocument, type Connection } from "./live-document";
import { planSectionLookup } from "./sections";
import { UpdateJournal, type JournalObserver } from "./update-journal";

export { COLLAB_PATH } from "./authenticate";

/** A connection that does not answer a ping within this long is dropped. */
const HEARTBEAT_INTERVAL_MS = 30_000;
/** Sockets one person may hold open on one plan (tabs and devices); more are refused (429). */
const MAX_CONNECTIONS_PER_PERSON = 16;

export interface CollaborationOptions {
  db: AppDatabase;
  sessionStorage: AppSessionStorage;
  /** Told when a session ends (sign-out, revocation): its sockets close at once. */
  sessionEvents: ChangeBus<SessionChange>;
  /** Told when rights on a pupil may have changed: sockets of that pupil's plans re-decide. */
  accessEvents: ChangeBus<AccessChange>;
  logger: Logger;
  /** How long a document nobody has open stays in memory. */
  unloadDelayMs: number;
  /** Compact a plan's update log after this many updates. */
  compactEvery: number;
  /** Largest websocket message accepted; larger ones close the connection (1009). */
  maxPayloadBytes: number;
  /** Told of every commit of the journal (the server's metrics). */
  journalObserver?: JournalObserver;
  /** Guests of a talk (interpreters, no account): what one may do with a plan (see authenticate.ts). */
  guests?: GuestAdmissions;
}

interface LiveConnection extends Connection {
  planId: string;
  /** A talk's guest on this connection, or null for a person. */
  guestId: string | null;
  /** The hash of the guest's link this connection was opened with (a renewed link ends it). */
  guestTokenHash: string | null;
  /** The person's session, or null for a guest. */
  sessionId: string | null;
  /** When the connection's right to speak ends (the session's expiry as last read, a guest's window), and how it then closes. */
  endsAt: number;
  endCode: number;
  /** Stops watching the session or the guest's window (on close). */
  stopWatching(): void;
}

interface OpenDocument {
  document: LiveDocument;
  stopAccessWatch(): void;
}

/**
 * The y-websocket endpoint: a small protocol core (live-document.ts: sync and awareness over one
 * Y.Doc) with the other concerns as separate parts around it, each with its own tests:
 * authenticate (authenticate.ts: session cookie → person → rights, or a talk guest's cookie → the
 * guest policy), load and store
 * (update-journal.ts), what a message may contain (update-guard.ts, presence.ts, sections.ts), the
 * audit log (audit.ts) and the end of a session (app/utils/session-watch.server.ts). This class
 * wires them together and owns the live documents, one per plan.
 */
export class CollaborationServer {
  private readonly wss: WebSocketServer;
  private readonly documents = new Map<string, OpenDocument>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly heartbeat: Heartbeat;
  private readonly journal: UpdateJournal;

  constructor(private readonly options: CollaborationOptions) {
    this.journal = new UpdateJournal(options.db, options.journalObserver);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
    this.heartbeat = new Heartbeat(() => this.wss.clients, HEARTBEAT_INTERVAL_MS);
  }

  /** For the http server's 'upgrade' event. Refuses before any document data is sent. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on("error", () => socket.destroy());
    authenticateUpgrade(request, this.options)
      .then((result) => {
        if ("status" in result) return refuse(socket, result.status);
        if (this.connectionsOf(result.planId, result.personId) >= MAX_CONNECTIONS_PER_PERSON) return refuse(socket, 429);
        this.wss.handleUpgrade(request, socket, head, (ws) => this.connect(ws, result, asksForAcks(request)));
      })
      .catch((error: unknown) => {
        this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab upgrade failed");
        refuse(socket, 500);
      });
  }

  private connect(socket: WebSocket, admission: Admission, wantsAcks: boolean) {
    const { document } = this.open(admission.planId, admission.pupilId);
    const connection: LiveConnection = {
      socket,
      planId: admission.planId,
      personId: admission.personId,
      canWrite: admission.rights.canWrite,
      user: admission.user,
      clientIds: new Set(),
      hasWritten: false,
      wantsAcks,
      writesReceived: 0,
      guestId: admission.guest?.id ?? null,
      guestTokenHash: admission.guest?.tokenHash ?? null,
      sessionId: admission.session?.id ?? null,
      endsAt: admission.guest ? admission.guest.closesAt.getTime() : admission.session.expiresAt.getTime(),
      endCode: admission.guest ? CloseCode.AccessChanged : CloseCode.SessionEnded,
      stopWatching: () => {},
    };
    this.heartbeat.track(socket);
    socket.on("message", (data, isBinary) => {
      // The session (or a guest's window) may have run out since the last timer tick: nothing counts from then on.
      if (Date.now() >= connection.endsAt && !this.extendEnd(connection)) {
        return this.letGo(document, connection, connection.endCode, connection.guestId ? "access changed" : "session ended");
      }
      if (!isBinary) return this.refuse(document, connection, CloseCode.Malformed, "binary messages only");
      try {
        document.receive(connection, toUint8Array(data));
      } catch (error) {
        if (error instanceof Refusal) return this.refuse(document, connection, error.code, error.message);
        this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab message failed");
        this.refuse(document, connection, CloseCode.Malformed, "message could not be handled");
      }
    });
    socket.on("close", () => {
      connection.stopWatching();
      document.removeConnection(connection);
      this.scheduleUnload(document);
    });
    socket.on("error", () => socket.terminate());
    document.addConnection(connection);
    if (admission.guest) {
      // A guest's window ends: the connection closes (4409), and the reconnect is refused.
      const timer = setTimeout(() => this.letGo(document, connection, CloseCode.AccessChanged, "access changed"), Math.max(0, connection.endsAt - Date.now()));
      timer.unref();
      connection.stopWatching = () => clearTimeout(timer);
    } else {
      connection.stopWatching = watchSession(
        this.options.sessionEvents,
        admission.session,
        (sessionId) => getSessionExpiry(this.options.db, sessionId),
        () => this.letGo(document, connection, CloseCode.SessionEnded, "session ended"),
      );
    }
    this.options.logger.info({ role: admission.user.role, writable: admission.rights.canWrite }, "collab connected");
  }

  /**
   * Whether a connection past its `endsAt` may go on, because its session was extended since it
   * opened (a re-authentication moves the expiry on); moves `endsAt` to the new expiry. Asked
   * only once the known expiry has passed, so not a database read per message. A guest's window
   * does not move.
   */
  private extendEnd(connection: LiveConnection): boolean {
    if (connection.sessionId === null) return false;
    const expiry = getSessionExpiry(this.options.db, connection.sessionId);
    if (!expiry) return false;
    connection.endsAt = expiry.getTime();
    return true;
  }

  /** Refuses what a connection sent: logged (without content), then the connection is let go of. */
  private refuse(document: LiveDocument, connection: Connection, code: number, reason: string) {
    this.options.logger.warn({ code, reason }, "collab connection refused a message");
    this.letGo(document, connection, code, reason);
  }

  /**
   * Lets go of a connection at once: from this moment nothing it sends is applied or relayed and
   * its presence is gone for everyone; then the socket is closed with `code`.
   */
  private letGo(document: LiveDocument, connection: Connection, code: number, reason: string) {
    document.removeConnection(connection);
    connection.socket.close(code, reason);
  }

  /**
   * Reads a plan's live document, as the clients see it (e.g. to check that a comment's passage
   * is in the section it claims). Loads it from storage when nobody has it open.
   */
  readDocument<T>(planId: string, pupilId: string, read: (doc: Y.Doc) => T): T {
    const { document } = this.open(planId, pupilId);
    try {
      return read(document.doc);
    } finally {
      this.scheduleUnload(document);
    }
  }

  /**
   * Locks a plan's live document and runs `freeze` on it in the same synchronous step: `freeze`
   * stores the frozen record and the plan's new status. No update can slip in between, because
   * nothing here awaits. Writers are then closed with 4423 (PlanLocked); readers stay.
   */
  freezePlan<T>(planId: string, pupilId: string, freeze: (doc: Y.Doc) => T): T {
    // Everything accepted before the lock is stored before the record is made from it.
    this.journal.flush();
    const { document } = this.open(planId, pupilId);
    document.locked = true;
    let result: T;
    try {
      result = freeze(document.doc);
    } catch (error) {
      document.locked = false;
      this.scheduleUnload(document);
      throw error;
    }
    // Everything accepted so far is in the frozen record; store it compactly as well.
    document.compact();
    for (const connection of [...document.connections]) {
      if (connection.canWrite) this.letGo(document, connection, CloseCode.PlanLocked, "the plan is locked");
    }
    this.scheduleUnload(document);
    return result;
  }

  /** After an unlock: writing is possible again; readers reconnect to learn their new rights. */
  thawPlan(planId: string, pupilId: string) {
    const open = this.documents.get(planId);
    if (open) open.document.locked = false;
    this.options.accessEvents.publish(pupilId, "changed");
  }

  /** The live document of a plan, loaded from storage if it is not in memory. */
  private open(planId: string, pupilId: string): OpenDocument {
    const timer = this.unloadTimers.get(planId);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(planId);
    }
    let open = this.documents.get(planId);
    if (!open) {
      const { db } = this.options;
      const document = new LiveDocument(planId, pupilId, {
        journal: this.journal,
        compactEvery: this.options.compactEvery,
        isSection: planSectionLookup(db, planId),
        onFirstWrite: (connection) => {
          // Runs inside the journal's commit callbacks: a throw would skip everyone's broadcasts and
          // acknowledgements after it and, from a microtask, end the process. The change itself is stored.
          try {
            recordWritingSession(db, planId, connection.personId);
          } catch (error) {
            this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab could not record a writing session");
          }
        },
        onStoreFailure: (failedPlanId, error) => this.dropAfterStoreFailure(failedPlanId, error),
        onCompactionFailure: (_planId, error) =>
          this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab could not compact a plan"),
        onTooSlow: (connection) =>
          this.options.logger.warn({ code: CloseCode.TooSlow, role: connection.user.role }, "collab connection fell too far behind reading; closed"),
      });
      document.locked = getPlan(db, planId)?.status !== "draft";
      const stopAccessWatch = this.options.accessEvents.subscribe(pupilId, () => this.revalidate(document));
      open = { document, stopAccessWatch };
      this.documents.set(planId, open);
    }
    return open;
  }

  /** Forgets a document (it is destroyed by the caller). */
  private forget(planId: string) {
    const open = this.documents.get(planId);
    if (!open) return;
    open.stopAccessWatch();
    this.documents.delete(planId);
  }

  private dropAfterStoreFailure(planId: string, error: unknown) {
    this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab could not store an update");
    const open = this.documents.get(planId);
    if (!open) return;
    // Forget the in-memory copy at once, so a reconnect loads what is really stored.
    this.forget(planId);
    setImmediate(() => {
      open.document.closeAll(CloseCode.StorageFailed, "the plan could not be saved; reconnecting");
      open.document.destroy();
    });
  }

  private scheduleUnload(document: LiveDocument) {
    if (document.connections.size > 0 || this.documents.get(document.planId)?.document !== document) return;
    const timer = setTimeout(() => {
      this.unloadTimers.delete(document.planId);
      if (document.connections.size > 0) return;
      this.forget(document.planId);
      document.compact();
      document.destroy();
    }, this.options.unloadDelayMs);
    timer.unref();
    this.unloadTimers.set(document.planId, timer);
  }

  /**
   * Re-decides the rights of everyone connected to a plan (told through accessEvents: consent
   * changed, a lock or unlock, a roster change, a talk's guest withdrawn or given a new link). Connections whose rights ended or changed are
   * let go of at once and closed (4409); the client reconnects with the new ones.
   */
  private revalidate(document: LiveDocument) {
    const plan = getPlan(this.options.db, document.planId);
    for (const connection of [...document.connections] as LiveConnection[]) {
      const rights = plan ? redecideRights(this.options, connection, plan) : null;
      if (!rights || rights.canWrite !== connection.canWrite || rights.role !== connection.user.role) {
        this.letGo(document, connection, CloseCode.AccessChanged, "access changed");
      }
    }
  }

  /** Who has the plan open right now (person ids; each once). */
  presentPeople(planId: string): string[] {
    const open = this.documents.get(planId);
    return open ? [...new Set([...open.document.connections].map((connection) => connection.personId))] : [];
  }

  private connectionsOf(planId: string, personId: string): number {
    const open = this.documents.get(planId);
    let count = 0;
    for (const connection of open?.document.connections ?? []) if (connection.personId === personId) count++;
    return count;
  }

  /** Figures for /healthz and benchmarks. */
  stats() {
    let connections = 0;
    for (const { document } of this.documents.values()) connections += document.connections.size;
    return { documents: this.documents.size, connections };
  }

  /** On shutdown: tell clients to come back, store compacted states, free everything. */
  close() {
    this.heartbeat.stop();
    this.journal.flush();
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    for (const [planId, { document }] of [...this.documents]) {
      this.forget(planId);
      document.closeAll(CloseCode.GoingAway, "server restarting");
      document.compact();
      document.destroy();
    }
    this.wss.close();
  }
}

/** Whether the client asked for `Stored` acknowledgements (DOCUMENT-SHAPE.md, "Acknowledgements"). */
function asksForAcks(request: IncomingMessage): boolean {
  return new URL(request.url ?? "/", "http://localhost").searchParams.get(ACKS_PARAM) === "1";
}

function refuse(socket: Duplex, status: number) {
  if (!socket.writable) return socket.destroy();
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function toUint8Array(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
