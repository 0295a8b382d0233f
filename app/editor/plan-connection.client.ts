import * as decoding from "lib0/decoding";
import { useEffect, useReducer, useSyncExternalStore } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { ACKS_PARAM, CloseCode, MessageType, isPresenceUser, reconnectsAfterClose, type PresenceUser } from "~/shared/collab-protocol";
import { CheckedAwareness } from "./checked-awareness";
import { deleteDatabase, openDeviceCopy, type DeviceCopy } from "./device-copy.client";
import { SaveTracker, type SaveState } from "./save-state";
import { sendLocalChangesOnceSynced } from "./send-when-synced";

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
  /** The server could not store the plan (a full disk, say) and sent everyone away; retrying. */
  | "storageFailed"
  | "readOnly"
  | "accessChanged"
  | "signedOut"
  | "locked"
  | "failed";

/** What the page says: the connection, and where this tab's own edits are (see save-state.ts). */
export interface PlanStatus {
  connection: ConnectionState;
  save: SaveState;
}

export interface PresentPerson extends PresenceUser {
  clientId: number;
  isSelf: boolean;
}

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

/** What the browser keeps of the plan (see device-copy.client.ts): its store's name, and whether
 * this person may write (otherwise a copy left from before — the plan has been locked — is deleted). */
export interface DeviceCopyOptions {
  name: string;
  keep: boolean;
}

/** A worse save state is shown only once it has lasted this long: an edit on its way to the
 * server and the device would otherwise flash "not saved" at every keystroke. Without an open
 * connection "saved on this device only" is shown at once: no acknowledgement can be coming. */
const WORSE_SAVE_STATE_AFTER_MS = 800;
/** After the server failed to store the plan (4500), wait this long before trying again, doubling to the most. */
const STORAGE_RETRY_MS = { first: 1000, most: 8000 };
const saveRank: Record<SaveState, number> = { server: 0, device: 1, none: 2 };

/**
 * One Y.Doc and one websocket per open plan, shared by every part of the page that shows it
 * (the editors, the connection state, who is here). The server decides what this connection may
 * do; the page only mirrors it. BroadcastChannel is off so edits never bypass the server.
 *
 * For a writer the doc is also kept on this device (device-copy.client.ts) and loaded from it
 * before the socket opens, so edits made offline survive a reload and are sent with the sync
 * reply of the next connection. The server acknowledges what it stored (`Stored` messages, asked
 * for with `?acks=1`); together with the device's commits that makes the save state a fact.
 */
export class PlanConnection {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  /** Who is here and their carets, checked (see CheckedAwareness); never the provider's raw awareness. */
  readonly awareness: CheckedAwareness;
  private status: PlanStatus = { connection: "connecting", save: "server" };
  private people: PresentPerson[] = [];
  private readonly stateListeners = new Set<() => void>();
  private readonly presenceListeners = new Set<() => void>();
  private everSynced = false;
  private triedToConnect = false;
  private storageFailed = false;
  private storageRetryMs = STORAGE_RETRY_MS.first;
  private storageRetryTimer: number | null = null;
  private final: ConnectionState | null = null;
  private readonly rightsListeners = new Set<() => void>();
  private readonly removeWindowListeners: () => void;
  private readonly saves = new SaveTracker();
  private shownSave: SaveState = "server";
  private worseSaveTimer: number | null = null;
  private deviceCopy: DeviceCopy | null = null;
  /** Changes made before the device copy opened: written there as one state once it has. */
  private changedBeforeCopy = false;
  private wasOnServer = true;
  private destroyed = false;

  /**
   * `key` is the plan's id, or "guest:<plan id>" on a guest's view (admitted by the guest's link,
   * not a session). `deviceCopy` says what this device keeps of the plan for offline writing.
   */
  constructor(
    readonly key: string,
    deviceCopy: DeviceCopyOptions | null = null,
  ) {
    const { doc } = this;
    // Registered before the provider's own listener (which sends the change if it can), and
    // after it: between the two, the tracker sees whether the change left in an update.
    doc.on("update", this.beforeSend);
    const counting = this;
    /** The provider's socket, counting the sync replies and updates it sends (what `Stored` counts). */
    class CountingWebSocket extends WebSocket {
      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
        if (data instanceof Uint8Array && data[0] === MessageType.Sync && (data[1] === 1 || data[1] === 2)) {
          counting.saves.wrote(data[1] === 1 ? "syncReply" : "update");
        }
        super.send(data);
      }
    }
    const url = `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/collab`;
    const guest = key.startsWith(GUEST_PREFIX);
    this.provider = new WebsocketProvider(url, guest ? key.slice(GUEST_PREFIX.length) : key, doc, {
      connect: false,
      disableBc: true,
      maxBackoffTime: 5000,
      shouldReconnect: (event) => reconnectsAfterClose(event.code),
      params: { [ACKS_PARAM]: "1", ...(guest ? { as: "guest" } : {}) },
      WebSocketPolyfill: CountingWebSocket,
    });
    sendLocalChangesOnceSynced(this.provider, doc);
    doc.on("update", this.afterSend);
    this.awareness = new CheckedAwareness(this.provider.awareness);
    const { provider } = this;
    provider.messageHandlers[MessageType.Stored] = (_encoder, decoder) => {
      this.saves.acknowledged(decoding.readVarUint(decoder));
      // The server stores again.
      this.storageFailed = false;
      this.storageRetryMs = STORAGE_RETRY_MS.first;
      this.computeState();
    };
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
        if (this.saves.onServer) this.storageFailed = false;
      }
      compute();
    };
    const onStatus = ({ status }: { status: string }) => {
      if (status === "connected") this.saves.opened();
      else if (status === "disconnected") this.saves.closed();
      compute();
    };
    const onClose = (event: CloseEvent | null) => {
      // A page opened without a connection has tried once now: it is trying again.
      this.triedToConnect = true;
      const code = event?.code;
      if (code === CloseCode.ReadOnly) this.final = "readOnly";
      // Locked for signing: the text stays on screen, read-only; the page reloads its data. What
      // this device kept can never be merged now: it goes.
      else if (code === CloseCode.PlanLocked) {
        this.final = "locked";
        void this.deviceCopy?.clear();
        this.deviceCopy = null;
        this.saves.deviceGone();
      } else if (code === CloseCode.Malformed || code === CloseCode.PresenceLimit) this.final = "failed";
      else if (code === CloseCode.AccessChanged || code === CloseCode.SessionEnded) {
        // New rights, or none (signed out): read-only, and the page reloads its data. Its loaders
        // decide what the person may see now (or send them to sign in); a page that still shows
        // the plan then connects again (reconnectWithNewRights), and the server gives the new rights.
        this.final = code === CloseCode.AccessChanged ? "accessChanged" : "signedOut";
        for (const listener of this.rightsListeners) listener();
      } else if (code === CloseCode.StorageFailed) this.retryStorageLater();
      if (this.final) provider.shouldConnect = false;
      compute();
    };
    const onAwareness = () => this.computePresence();
    provider.on("sync", onSync);
    provider.on("status", onStatus);
    provider.on("connection-close", onClose);
    this.awareness.on("change", onAwareness);
    window.addEventListener("online", compute);
    window.addEventListener("offline", compute);
    // The provider, doc and awareness go with destroy(); only the window outlives them.
    this.removeWindowListeners = () => {
      window.removeEventListener("online", compute);
      window.removeEventListener("offline", compute);
    };
    this.computeState();
    if (deviceCopy?.keep) {
      // What this device kept goes into the doc before the first sync, so it leaves in the sync reply.
      void openDeviceCopy(deviceCopy.name, doc)
        .catch(() => null)
        .then((copy) => this.useDeviceCopy(copy));
    } else {
      if (deviceCopy) void deleteDatabase(deviceCopy.name);
      provider.connect();
    }
  }

  private useDeviceCopy(copy: DeviceCopy | null) {
    if (this.destroyed) {
      void copy?.close();
      return;
    }
    this.deviceCopy = copy;
    if (copy) {
      this.saves.deviceReady(copy.unconfirmed);
      if (this.changedBeforeCopy) this.storeOnDevice(Y.encodeStateAsUpdate(this.doc), true);
    }
    if (!this.final) this.provider.connect();
    this.computeState();
  }

  private beforeSend = (update: Uint8Array, origin: unknown) => {
    // Changes from the server, and the device copy's own content, are not this tab's to save.
    const local = origin !== this.provider && !(origin instanceof IndexeddbPersistence);
    const change = local ? this.saves.changed() : 0;
    if (this.deviceCopy) this.storeOnDevice(update, local, change);
    else if (local) this.changedBeforeCopy = true;
  };

  private afterSend = (_update: Uint8Array, origin: unknown) => {
    if (origin === this.provider || origin instanceof IndexeddbPersistence) return;
    this.saves.afterChange();
    this.computeState();
  };

  private storeOnDevice(update: Uint8Array, local: boolean, change = this.saves.changes) {
    const copy = this.deviceCopy!;
    copy.store(update, local).then(
      () => {
        if (local) this.saves.storedOnDevice(change);
        this.computeState();
      },
      () => {
        this.saves.deviceFailedToStore();
        this.computeState();
      },
    );
  }

  /** The server could not store the plan: try again later rather than at once, and less often each time. */
  private retryStorageLater() {
    this.storageFailed = true;
    this.provider.shouldConnect = false;
    if (this.storageRetryTimer !== null) window.clearTimeout(this.storageRetryTimer);
    this.storageRetryTimer = window.setTimeout(() => {
      this.storageRetryTimer = null;
      if (!this.final && !this.destroyed) this.provider.connect();
    }, this.storageRetryMs);
    this.storageRetryMs = Math.min(this.storageRetryMs * 2, STORAGE_RETRY_MS.most);
  }

  /** What the person should be told about the connection and their edits. */
  getStatus = (): PlanStatus => this.status;

  /** Whether every edit made in this tab has been stored by the server (now, not as shown). */
  get everythingOnServer(): boolean {
    return this.saves.state === "server";
  }

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

  /** The server closed the connection because this person's rights changed or their session ended:
   * the page's data must be loaded anew. */
  subscribeRightsChanged = (listener: () => void): (() => void) => {
    this.rightsListeners.add(listener);
    return () => this.rightsListeners.delete(listener);
  };

  /** The page's data has been loaded anew since the rights changed, and still shows the plan:
   * connect again, with whatever rights the server gives now. */
  reconnectWithNewRights() {
    if (this.final !== "accessChanged" && this.final !== "signedOut") return;
    this.final = null;
    this.provider.shouldConnect = true;
    this.provider.connect();
    this.computeState();
  }

  /** After an unlock: connect again if the lock closed this connection. */
  resume() {
    if (this.final !== "locked") return;
    this.final = null;
    this.provider.shouldConnect = true;
    this.provider.connect();
    this.computeState();
  }

  /** Closes everything; resolves once the device copy's store is closed too. */
  destroy(): Promise<void> {
    this.destroyed = true;
    this.removeWindowListeners();
    if (this.storageRetryTimer !== null) window.clearTimeout(this.storageRetryTimer);
    if (this.worseSaveTimer !== null) window.clearTimeout(this.worseSaveTimer);
    // Nobody is told of the goodbye: the page is going, or no longer shows the plan.
    this.stateListeners.clear();
    this.presenceListeners.clear();
    this.rightsListeners.clear();
    this.provider.destroy();
    const closed = this.deviceCopy?.close() ?? Promise.resolve();
    this.doc.destroy();
    return closed;
  }

  private computeState() {
    const { provider } = this;
    let connection: ConnectionState;
    if (this.final) connection = this.final;
    else if (!navigator.onLine) connection = "offline";
    else if (this.storageFailed) connection = "storageFailed";
    else if (provider.wsconnected && provider.synced) connection = "connected";
    else connection = this.everSynced || this.triedToConnect ? "reconnecting" : "connecting";
    // Everything acknowledged: the device copy no longer holds anything the server lacks.
    const onServer = this.saves.onServer;
    if (onServer && !this.wasOnServer) this.deviceCopy?.confirmed();
    this.wasOnServer = onServer;
    // Better news at once; worse news once it has lasted (an edit on its way is not "not saved").
    const actual = this.saves.state;
    if (saveRank[actual] <= saveRank[this.shownSave]) {
      if (this.worseSaveTimer !== null) window.clearTimeout(this.worseSaveTimer);
      this.worseSaveTimer = null;
      this.shownSave = actual;
    } else if (actual === "device" && !(provider.wsconnected && provider.synced)) {
      // No acknowledgement can be on its way: say so at once.
      if (this.worseSaveTimer !== null) window.clearTimeout(this.worseSaveTimer);
      this.worseSaveTimer = null;
      this.shownSave = actual;
    } else if (this.worseSaveTimer === null) {
      this.worseSaveTimer = window.setTimeout(() => {
        this.worseSaveTimer = null;
        this.shownSave = this.saves.state;
        this.publish(this.status.connection, this.shownSave);
      }, WORSE_SAVE_STATE_AFTER_MS);
    }
    this.publish(connection, this.shownSave);
  }

  private publish(connection: ConnectionState, save: SaveState) {
    if (connection === this.status.connection && save === this.status.save) return;
    this.status = { connection, save };
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
/** Cleared at sign-out: from then on this page keeps nothing on the device. */
let keepOnDevice = true;

function entryFor(planId: string, deviceCopy: DeviceCopyOptions | null): Entry {
  let entry = open.get(planId);
  if (!entry) {
    entry = { connection: new PlanConnection(planId, keepOnDevice ? deviceCopy : null), users: 0, closeTimer: null };
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
    void entry.connection.destroy();
  }, delay);
}

/**
 * Starts connecting to a plan before the page has been hydrated (entry.client), so the server's
 * answer arrives while React is still taking over the page instead of after.
 */
export function preconnectPlan(planId: string, deviceCopy: DeviceCopyOptions | null): void {
  entryFor(planId, deviceCopy);
}

/** Whether the server has stored every edit made in this tab, in every plan it has open. */
export function allEditsOnServer(): boolean {
  return [...open.values()].every((entry) => entry.connection.everythingOnServer);
}

/** Closes every plan connection of the page at once (sign-out: their device copies are deleted next). */
export async function closeAllPlanConnections(): Promise<void> {
  keepOnDevice = false;
  const closing = [...open.values()].map((entry) => {
    if (entry.closeTimer !== null) window.clearTimeout(entry.closeTimer);
    return entry.connection.destroy();
  });
  open.clear();
  await Promise.all(closing);
}

/**
 * The plan's connection, shared with every other part of the page that uses it. Only for
 * components that render in the browser (after hydration).
 */
export function usePlanConnection(planId: string, deviceCopy: DeviceCopyOptions | null): PlanConnection {
  // Get-or-create during render is safe: an unclaimed connection closes itself (UNCLAIMED_DELAY_MS).
  const { connection } = entryFor(planId, deviceCopy);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const entry = entryFor(planId, deviceCopy);
    // Closed between render and now (nobody held it): render again with the new one.
    if (entry.connection !== connection) rerender();
    entry.users += 1;
    if (entry.closeTimer !== null) window.clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
    return () => {
      entry.users -= 1;
      if (entry.users === 0) scheduleClose(entry, RELEASE_DELAY_MS);
    };
    // The device copy's options come with the plan and do not change while its page is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [planId, connection]);
  return connection;
}

export function usePlanStatus(connection: PlanConnection): PlanStatus {
  return useSyncExternalStore(connection.subscribeState, connection.getStatus, connection.getStatus);
}

export function usePresence(connection: PlanConnection): PresentPerson[] {
  return useSyncExternalStore(connection.subscribePresence, connection.getPresence, connection.getPresence);
}
