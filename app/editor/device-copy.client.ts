import { IndexeddbPersistence, PREFERRED_TRIM_SIZE, storeState } from "y-indexeddb";
import type * as Y from "yjs";
import { DEVICE_COPY_PREFIX } from "~/shared/device-copy";

/*
 * The plan as this browser keeps it (IndexedDB, through y-indexeddb), so that edits made without
 * a connection survive a reload or a closed tab and merge when the plan is opened online again.
 * One database per person and plan (~/shared/device-copy.ts names them), kept only for people
 * who may write, and deleted at sign-out and when the plan is locked.
 *
 * y-indexeddb loads the stored updates into the doc, keeps the store compact and deletes it. Its
 * own writer is replaced by `store` below, in the same format, because the page must know when a
 * write is on disk (or failed) to say "saved on this device" truthfully, and because the mark
 * that the server has not yet acknowledged a change must be written in the same transaction as
 * the change itself.
 */

/** Set (in y-indexeddb's "custom" store) while the copy holds changes the server has not acknowledged. */
const UNCONFIRMED = "unconfirmed";
/** How long opening the store may take before the page carries on without it. */
const OPEN_TIMEOUT_MS = 3000;

export interface DeviceCopy {
  /** The copy held changes the server had not acknowledged when the last page closed. */
  readonly unconfirmed: boolean;
  /** Writes an update; `local` ones (made here) mark the copy unconfirmed. Resolves once committed. */
  store(update: Uint8Array, local: boolean): Promise<void>;
  /** The server acknowledged every change made here: the mark goes. */
  confirmed(): void;
  /** Closes the store, keeping its content. Resolves once it is closed. */
  close(): Promise<void>;
  /** Closes and deletes the store. */
  clear(): Promise<void>;
}

function request<T>(open: () => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = open();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

/**
 * Opens (or creates) the store as y-indexeddb lays it out, and reads the unconfirmed mark. Null
 * when the browser offers no IndexedDB or refuses it (private modes, a full disk, policy).
 */
async function readMark(name: string): Promise<boolean | null> {
  if (typeof indexedDB === "undefined") return null;
  try {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onupgradeneeded = () => {
        req.result.createObjectStore("updates", { autoIncrement: true });
        req.result.createObjectStore("custom");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error("IndexedDB refused"));
      req.onblocked = () => reject(new Error("IndexedDB blocked"));
    });
    try {
      return (await request(() => db.transaction("custom", "readonly").objectStore("custom").get(UNCONFIRMED))) === true;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/**
 * The device copy of a plan for `doc`, with its content already applied to the doc; null when
 * the browser cannot keep one.
 */
export async function openDeviceCopy(name: string, doc: Y.Doc): Promise<DeviceCopy | null> {
  const mark = await withTimeout(readMark(name));
  if (mark === null || mark === undefined) return null;
  const persistence = new IndexeddbPersistence(name, doc);
  doc.off("update", persistence._storeUpdate);
  const loaded = await withTimeout(persistence.whenSynced.then(() => true));
  if (!loaded || !persistence.db) {
    void persistence.destroy().catch(() => {});
    return null;
  }
  const db = persistence.db;
  let trimTimer: number | null = null;
  return {
    unconfirmed: mark,
    store(update, local) {
      return new Promise<void>((resolve, reject) => {
        let transaction: IDBTransaction;
        try {
          transaction = db.transaction(["updates", "custom"], "readwrite");
          transaction.objectStore("updates").add(update);
          if (local) transaction.objectStore("custom").put(true, UNCONFIRMED);
        } catch (error) {
          reject(error instanceof Error ? error : new Error("IndexedDB write failed"));
          return;
        }
        transaction.oncomplete = () => resolve();
        transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB write aborted"));
        // As y-indexeddb does: after many updates, merge them into one (a second later).
        if (++persistence._dbsize >= PREFERRED_TRIM_SIZE) {
          if (trimTimer !== null) window.clearTimeout(trimTimer);
          trimTimer = window.setTimeout(() => {
            trimTimer = null;
            storeState(persistence, false).catch(() => {});
          }, 1000);
        }
      });
    },
    confirmed() {
      try {
        db.transaction("custom", "readwrite").objectStore("custom").delete(UNCONFIRMED);
      } catch {
        // Closed meanwhile: the mark stays, and the next page confirms again.
      }
    },
    close() {
      if (trimTimer !== null) window.clearTimeout(trimTimer);
      return persistence.destroy().catch(() => {});
    },
    async clear() {
      if (trimTimer !== null) window.clearTimeout(trimTimer);
      await persistence.destroy().catch(() => {});
      await deleteDatabase(name);
    },
  };
}

async function withTimeout<T>(promise: Promise<T>): Promise<T | undefined> {
  let timer: number | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = window.setTimeout(() => resolve(undefined), OPEN_TIMEOUT_MS)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    window.clearTimeout(timer);
  }
}

/** How long a deletion waits for another tab to let go of the store (it is deleted when that tab does). */
const BLOCKED_DELETE_WAIT_MS = 2000;

/** Deletes one store; resolves when done, or after a while if another tab still holds it open. */
export function deleteDatabase(name: string): Promise<void> {
  if (typeof indexedDB === "undefined") return Promise.resolve();
  return new Promise((resolve) => {
    try {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = () => resolve();
      req.onerror = () => resolve();
      req.onblocked = () => window.setTimeout(resolve, BLOCKED_DELETE_WAIT_MS);
    } catch {
      resolve();
    }
  });
}

/** Deletes every plan this person keeps on this device (at sign-out). */
export async function forgetDeviceCopies(deviceKey: string): Promise<void> {
  if (typeof indexedDB === "undefined" || typeof indexedDB.databases !== "function") return;
  const prefix = `${DEVICE_COPY_PREFIX}${deviceKey}.`;
  try {
    const databases = await indexedDB.databases();
    await Promise.all(databases.filter((d) => d.name?.startsWith(prefix)).map((d) => deleteDatabase(d.name!)));
  } catch {
    // Nothing listed: nothing to delete.
  }
}
