import { useEffect, useReducer, useSyncExternalStore } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { CloseCode, isPresenceUser, type PresenceUser } from "~/shared/collab-protocol";
import { CheckedAwareness } from "./checked-awareness";

/** A guest's connection to a plan is keyed apart from a person's: `guest:<planId>`. */
export const GUEST_PREFIX = "guest:";

/** A connection nobody on the page uses any more is closed after this long, so moving between two
 * pages of the same plan (plan page ↔ talk view) keeps it. */
const RELEASE_DELAY_MS = 2_000;
/** A connection opened ahead of the page (see `preconnectPlan`) that no part of it takes up. */
const UNCLAIMED_DELAY_MS = 15_000;

export type ConnectionState =
  | "connecting"
  | "connected"
  | "reconnecting"
  | "offline"
  | "offlineUnsaved"
  | "readOnly"
  | "accessChanged"
  | "signedOut"
  | "locked"
  | "failed";

export interface PresentPerson extends PresenceUser {
  clientId: number;
  isSelf: boolean;
}

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

/**
 * One Y.Doc and one websocket per open plan, shared by every part of the page that shows it
 * (the editors, the connection state, who is here). The server decides what this connection may
 * do; the page only mirrors it. BroadcastChannel is off so edits never bypass the server.
 */
export class PlanConnection {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  /** Who is here and their carets, checked (see CheckedAwareness); never the provider's raw awareness. */
  readonly awareness: CheckedAwareness;
  private state: ConnectionState = "connecting";
  private people: PresentPerson[] = [];
  private readonly stateListeners = new Set<() => void>();
  private readonly presenceListeners = new Set<() => void>();
  private everSynced = false;
  private unsaved = false;
  private final: ConnectionState | null = null;
  private readonly removeWindowListeners: () => void;

  /** `key` is the plan's id, or "guest:<plan id>" on a guest's view (admitted by the guest's link, not a session). */
  constructor(readonly key: string) {
    const url = `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/collab`;
    const guest = key.startsWith(GUEST_PREFIX);
    this.provider = new WebsocketProvider(url, guest ? key.slice(GUEST_PREFIX.length) : key, this.doc, {
      disableBc: true,
      maxBackoffTime: 5000,
      ...(guest ? { params: { as: "guest" } } : {}),
    });
    this.awareness = new CheckedAwareness(this.provider.awareness);
    const { provider, doc } = this;
    // y-websocket sends every awareness change it hears back to the server, everyone's. Only our
    // own is ours to send: the server skips the rest, and a peer's state, checked or not, must
    // not travel on from here.
    const sendChanges = provider._awarenessUpdateHandler;
    const sendOwnChanges: typeof sendChanges = ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
      const own = (ids: number[]) => ids.filter((id) => id === doc.clientID);
      const mine = { added: own(added), updated: own(updated), removed: own(removed) };
      if (mine.added.length + mine.updated.length + mine.removed.length > 0) sendChanges(mine, origin);
    };
    provider.awareness.off("update", sendChanges);
    provider.awareness.on("update", sendOwnChanges);
    // destroy() takes the handler off by this name.
    provider._awarenessUpdateHandler = sendOwnChanges;
    const compute = () => this.computeState();
    const onSync = (synced: boolean) => {
      if (synced) {
        this.everSynced = true;
        // Our own SyncStep2 (what we wrote offline) went out before the server's answer arrived.
        this.unsaved = false;
      }
      compute();
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin !== provider && (!navigator.onLine || !(provider.wsconnected && provider.synced))) {
        this.unsaved = true;
        compute();
      }
    };
    const onClose = (event: CloseEvent | null) => {
      const code = event?.code;
      if (code === CloseCode.ReadOnly) this.final = "readOnly";
      // Locked for signing: the text stays on screen, read-only; the page reloads its data.
      else if (code === CloseCode.PlanLocked) this.final = "locked";
      else if (code === CloseCode.Malformed || code === CloseCode.PresenceLimit) this.final = "failed";
      else if (code === CloseCode.AccessChanged || code === CloseCode.SessionEnded) {
        this.final = code === CloseCode.AccessChanged ? "accessChanged" : "signedOut";
        // New rights (or none: signed out) mean a new page: the loader decides what this person
        // may see now, or sends them to sign in.
        window.setTimeout(() => window.location.reload(), 1500);
      }
      if (this.final) provider.shouldConnect = false;
      compute();
    };
    const onAwareness = () => this.computePresence();
    provider.on("sync", onSync);
    provider.on("status", compute);
    provider.on("connection-close", onClose);
    doc.on("update", onUpdate);
    this.awareness.on("change", onAwareness);
    window.addEventListener("online", compute);
    window.addEventListener("offline", compute);
    // The provider, doc and awareness go with destroy(); only the window outlives them.
    this.removeWindowListeners = () => {
      window.removeEventListener("online", compute);
      window.removeEventListener("offline", compute);
    };
    this.computeState();
  }

  /** What the person should be told about the connection. */
  getState = (): ConnectionState => this.state;

  subscribeState = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  /** Everyone in the plan now, one entry per person (several tabs count once), self first. */
  getPresence = (): PresentPerson[] => this.people;

  subscribePresence = (listener: () => void): (() => void) => {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  };

  /** After an unlock: connect again if the lock closed this connection. */
  resume() {
    if (this.final !== "locked") return;
    this.final = null;
    this.provider.shouldConnect = true;
    this.provider.connect();
    this.computeState();
  }

  destroy() {
    this.removeWindowListeners();
    this.provider.destroy();
    this.doc.destroy();
    this.stateListeners.clear();
    this.presenceListeners.clear();
  }

  private computeState() {
    const { provider } = this;
    let next: ConnectionState;
    if (this.final) next = this.final;
    else if (!navigator.onLine) next = this.unsaved ? "offlineUnsaved" : "offline";
    else if (provider.wsconnected && provider.synced) next = "connected";
    else if (this.everSynced && this.unsaved) next = "offlineUnsaved";
    else next = this.everSynced ? "reconnecting" : "connecting";
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.stateListeners) listener();
  }

  private computePresence() {
    const { awareness } = this;
    const seen = new Map<string, PresentPerson>();
    for (const [clientId, state] of awareness.getStates()) {
      const user = (state as { user?: unknown } | null)?.user;
      if (!isPresenceUser(user)) continue;
      const isSelf = clientId === awareness.clientID;
      const key = user.key ?? String(clientId);
      const known = seen.get(key);
      if (!known || isSelf) seen.set(key, { ...user, clientId, isSelf: isSelf || (known?.isSelf ?? false) });
    }
    const people = [...seen.values()].sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name, "sv"));
    const unchanged =
      people.length === this.people.length &&
      people.every((p, i) => p.clientId === this.people[i]!.clientId && p.name === this.people[i]!.name && p.role === this.people[i]!.role);
    if (unchanged) return;
    this.people = people;
    for (const listener of this.presenceListeners) listener();
  }
}

interface Entry {
  connection: PlanConnection;
  users: number;
  closeTimer: number | null;
}

const open = new Map<string, Entry>();

function entryFor(planId: string): Entry {
  let entry = open.get(planId);
  if (!entry) {
    entry = { connection: new PlanConnection(planId), users: 0, closeTimer: null };
    open.set(planId, entry);
    scheduleClose(entry, UNCLAIMED_DELAY_MS);
  }
  return entry;
}

function scheduleClose(entry: Entry, delay: number) {
  if (entry.closeTimer !== null) window.clearTimeout(entry.closeTimer);
  entry.closeTimer = window.setTimeout(() => {
    if (entry.users > 0) return;
    open.delete(entry.connection.key);
    entry.connection.destroy();
  }, delay);
}

/**
 * Starts connecting to a plan before the page has been hydrated (entry.client), so the server's
 * answer arrives while React is still taking over the page instead of after.
 */
export function preconnectPlan(planId: string): void {
  entryFor(planId);
}

/**
 * The plan's connection, shared with every other part of the page that uses it. Only for
 * components that render in the browser (after hydration).
 */
export function usePlanConnection(planId: string): PlanConnection {
  // Get-or-create during render is safe: an unclaimed connection closes itself (UNCLAIMED_DELAY_MS).
  const { connection } = entryFor(planId);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const entry = entryFor(planId);
    // Closed between render and now (nobody held it): render again with the new one.
    if (entry.connection !== connection) rerender();
    entry.users += 1;
    if (entry.closeTimer !== null) window.clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
    return () => {
      entry.users -= 1;
      if (entry.users === 0) scheduleClose(entry, RELEASE_DELAY_MS);
    };
  }, [planId, connection]);
  return connection;
}

export function useConnectionState(connection: PlanConnection): ConnectionState {
  return useSyncExternalStore(connection.subscribeState, connection.getState, connection.getState);
}

export function usePresence(connection: PlanConnection): PresentPerson[] {
  return useSyncExternalStore(connection.subscribePresence, connection.getPresence, connection.getPresence);
}
