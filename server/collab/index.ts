import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type * as Y from "yjs";
import type { AppDatabase } from "../../db/client";
import { getPlan } from "../../db/queries/plans";
import { liveDocumentRights } from "../../app/policies/plan.server";
import { findRelations } from "../../app/policies/relations.server";
import { getSignedInPerson } from "../../db/queries/roster";
import type { AppSessionStorage } from "../../db/queries/sessions";
import type { Logger } from "../logger";
import { CloseCode } from "./close-codes";
import { Heartbeat } from "./heartbeat";
import { UpdateJournal } from "./update-journal";
import { LiveDocument, PlanLockedViolation, ProtocolError, ReadOnlyViolation, type Connection } from "./live-document";
import { recordPlanAccess } from "../../db/queries/audit";
import { roleColors } from "../../app/editor/plan-roles";
import { presenceKey } from "../../app/utils/presence.server";

export const COLLAB_PATH = "/collab";
const PLAN_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A connection that does not answer a ping within this long is dropped. */
const HEARTBEAT_INTERVAL_MS = 30_000;

export interface CollaborationOptions {
  db: AppDatabase;
  sessionStorage: AppSessionStorage;
  logger: Logger;
  /** How long a document nobody has open stays in memory. */
  unloadDelayMs: number;
  /** Compact a plan's update log after this many updates. */
  compactEvery: number;
  /** Largest websocket message accepted; larger ones close the connection (1009). */
  maxPayloadBytes: number;
  /**
   * What a guest of a talk (an interpreter, no account) may do with this plan: read only, until
   * `closesAt`; null for anything else. From the upgrade's cookies (see app/services/talk-guests).
   */
  guestRights(cookieHeader: string | undefined, planId: string): Promise<GuestRights | null>;
}

/** A guest's read-only admission to one plan. */
export interface GuestRights {
  /** Stands in for a person id on the connection and in presence (never a person's id). */
  connectionId: string;
  pupilId: string;
  canWrite: false;
  closesAt: Date;
  user: Connection["user"];
}

/**
 * The y-websocket endpoint: authenticates the upgrade from the session cookie, decides each
 * connection's rights with the access module, and owns the live documents (one per plan).
 */
export class CollaborationServer {
  private readonly wss: WebSocketServer;
  private readonly documents = new Map<string, LiveDocument>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly heartbeat: Heartbeat;
  private readonly journal: UpdateJournal;

  constructor(private readonly options: CollaborationOptions) {
    this.journal = new UpdateJournal(options.db);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
    this.heartbeat = new Heartbeat(() => this.wss.clients, HEARTBEAT_INTERVAL_MS);
  }

  /** For the http server's 'upgrade' event. Refuses before any document data is sent. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on("error", () => socket.destroy());
    this.authorize(request)
      .then((result) => {
        if ("status" in result) return refuse(socket, result.status);
        this.wss.handleUpgrade(request, socket, head, (ws) => this.connect(ws, result));
      })
      .catch((error: unknown) => {
        this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab upgrade failed");
        refuse(socket, 500);
      });
  }

  private async authorize(request: IncomingMessage): Promise<{ status: number } | Admission> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const planId = url.pathname.startsWith(`${COLLAB_PATH}/`) ? decodeURIComponent(url.pathname.slice(COLLAB_PATH.length + 1)) : "";
    if (!PLAN_ID.test(planId)) return { status: 404 };
    // Browsers always send Origin on websockets: refuse pages of other sites (cross-site hijacking).
    const origin = request.headers.origin;
    if (origin && new URL(origin).host !== request.headers.host) return { status: 403 };

    // A guest's view asks for a guest's admission (never a person's, even in a signed-in browser).
    if (url.searchParams.get("as") === "guest") {
      const guest = await this.options.guestRights(request.headers.cookie, planId);
      if (!guest) return { status: 404 };
      return { planId, pupilId: guest.pupilId, personId: guest.connectionId, canWrite: false, user: guest.user, closesAt: guest.closesAt };
    }

    const session = await this.options.sessionStorage.getSession(request.headers.cookie);
    const personId = session.get("personId");
    if (!personId) return { status: 401 };
    const person = getSignedInPerson(this.options.db, personId);
    if (!person) return { status: 401 };
    const plan = getPlan(this.options.db, planId);
    if (!plan) return { status: 404 };
    const rights = liveDocumentRights(findRelations(this.options.db, personId, plan.pupilId), plan);
    // A plan one may not see answers like a plan that does not exist.
    if (!rights.join || !rights.role) return { status: 404 };
    return {
      planId,
      pupilId: plan.pupilId,
      personId,
      canWrite: rights.write,
      user: { key: presenceKey(personId, planId), name: person.givenName, role: rights.role, color: roleColors[rights.role] },
    };
  }

  private connect(socket: WebSocket, admission: Admission) {
    const document = this.open(admission.planId, admission.pupilId);
    const connection: Connection = {
      socket,
      personId: admission.personId,
      canWrite: admission.canWrite,
      user: admission.user,
      clientIds: new Set(),
    };
    this.heartbeat.track(socket);
    socket.on("message", (data, isBinary) => {
      if (!isBinary) return this.reject(connection, CloseCode.Malformed, "binary messages only");
      try {
        document.receive(connection, toUint8Array(data));
      } catch (error) {
        if (error instanceof PlanLockedViolation) return this.reject(connection, CloseCode.PlanLocked, "the plan is locked");
        if (error instanceof ReadOnlyViolation) return this.reject(connection, CloseCode.ReadOnly, "read-only: changes are not accepted");
        if (error instanceof ProtocolError) return this.reject(connection, CloseCode.Malformed, error.message);
        this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab message failed");
        this.reject(connection, CloseCode.Malformed, "message could not be handled");
      }
    });
    socket.on("close", () => {
      document.removeConnection(connection);
      this.scheduleUnload(document);
    });
    socket.on("error", () => socket.terminate());
    document.addConnection(connection);
    // A guest's window ends: the connection closes, and the reconnect is refused.
    if (admission.closesAt) {
      const timer = setTimeout(() => connection.socket.close(CloseCode.AccessChanged, "access changed"), Math.max(0, admission.closesAt.getTime() - Date.now()));
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
    }
    if (admission.canWrite) {
      const version = getPlan(this.options.db, admission.planId)?.version ?? 1;
      recordPlanAccess(this.options.db, { planId: admission.planId, actorId: admission.personId, action: "edit-session", version });
    }
    this.options.logger.info({ role: admission.user.role, writable: admission.canWrite }, "collab connected");
  }

  private reject(connection: Connection, code: number, reason: string) {
    this.options.logger.warn({ code, reason }, "collab connection refused a message");
    connection.socket.close(code, reason);
  }

  /**
   * Reads a plan's live document, as the clients see it (e.g. to check that a comment's passage
   * is in the section it claims). Loads it from storage when nobody has it open.
   */
  readDocument<T>(planId: string, pupilId: string, read: (doc: Y.Doc) => T): T {
    const document = this.open(planId, pupilId);
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
    const document = this.open(planId, pupilId);
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
      if (!connection.canWrite) continue;
      document.removeConnection(connection);
      connection.socket.close(CloseCode.PlanLocked, "the plan is locked");
    }
    this.scheduleUnload(document);
    return result;
  }

  /** After an unlock: writing is possible again; readers reconnect to learn their new rights. */
  thawPlan(planId: string, pupilId: string) {
    const document = this.documents.get(planId);
    if (document) document.locked = false;
    this.revalidatePupil(pupilId);
  }

  /** The live document of a plan, loaded from storage if it is not in memory. */
  private open(planId: string, pupilId: string): LiveDocument {
    const timer = this.unloadTimers.get(planId);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(planId);
    }
    let document = this.documents.get(planId);
    if (!document) {
      document = new LiveDocument(planId, pupilId, {
        journal: this.journal,
        compactEvery: this.options.compactEvery,
        onStoreFailure: (failedPlanId, error) => this.dropAfterStoreFailure(failedPlanId, error),
        onCompactionFailure: (_planId, error) =>
          this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab could not compact a plan"),
      });
      document.locked = getPlan(this.options.db, planId)?.status !== "draft";
      this.documents.set(planId, document);
    }
    return document;
  }

  private dropAfterStoreFailure(planId: string, error: unknown) {
    this.options.logger.error({ err: error instanceof Error ? error.message : "unknown" }, "collab could not store an update");
    const document = this.documents.get(planId);
    if (!document) return;
    // Forget the in-memory copy at once, so a reconnect loads what is really stored.
    this.documents.delete(planId);
    setImmediate(() => {
      document.closeAll(CloseCode.StorageFailed, "the plan could not be saved; reconnecting");
      document.destroy();
    });
  }

  private scheduleUnload(document: LiveDocument) {
    if (document.connections.size > 0 || this.documents.get(document.planId) !== document) return;
    const timer = setTimeout(() => {
      this.unloadTimers.delete(document.planId);
      if (document.connections.size > 0) return;
      this.documents.delete(document.planId);
      document.compact();
      document.destroy();
    }, this.options.unloadDelayMs);
    timer.unref();
    this.unloadTimers.set(document.planId, timer);
  }

  /**
   * Re-decides the rights of everyone connected to a pupil's plans (after consent changes or a
   * lock). Connections whose rights changed are closed; the client reconnects with the new ones.
   */
  revalidatePupil(pupilId: string) {
    for (const document of this.documents.values()) {
      if (document.pupilId !== pupilId) continue;
      const plan = getPlan(this.options.db, document.planId);
      for (const connection of [...document.connections]) {
        const rights = plan ? liveDocumentRights(findRelations(this.options.db, connection.personId, pupilId), plan) : { join: false, write: false };
        if (!rights.join || rights.write !== connection.canWrite) {
          document.removeConnection(connection);
          connection.socket.close(CloseCode.AccessChanged, "access changed");
        }
      }
    }
  }

  /** Who has the plan open right now (person ids; each once). */
  presentPeople(planId: string): string[] {
    const document = this.documents.get(planId);
    return document ? [...new Set([...document.connections].map((connection) => connection.personId))] : [];
  }

  /** Figures for /healthz and benchmarks. */
  stats() {
    let connections = 0;
    for (const document of this.documents.values()) connections += document.connections.size;
    return { documents: this.documents.size, connections };
  }

  /** On shutdown: tell clients to come back, store compacted states, free everything. */
  close() {
    this.heartbeat.stop();
    this.journal.flush();
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    for (const document of this.documents.values()) {
      document.closeAll(CloseCode.GoingAway, "server restarting");
      document.compact();
      document.destroy();
    }
    this.documents.clear();
    this.wss.close();
  }
}

interface Admission {
  planId: string;
  pupilId: string;
  personId: string;
  canWrite: boolean;
  user: Connection["user"];
  /** A guest's connection ends then. */
  closesAt?: Date;
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
