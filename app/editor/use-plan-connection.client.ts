import { useEffect, useState } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { PresenceUser } from "./plan-roles";

/** Close codes of /collab (server/collab/close-codes.ts) that need the person told. */
const CLOSE_READ_ONLY = 4403;
const CLOSE_ACCESS_CHANGED = 4409;
const CLOSE_MALFORMED = 4400;
const CLOSE_PLAN_LOCKED = 4423;

export type ConnectionState =
  | "connecting"
  | "connected"
  | "reconnecting"
  | "offline"
  | "offlineUnsaved"
  | "readOnly"
  | "accessChanged"
  | "locked"
  | "failed";

export interface PresentPerson extends PresenceUser {
  clientId: number;
  isSelf: boolean;
}

export interface PlanConnection {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/**
 * One Y.Doc and one websocket per open plan. The server decides what this connection may do;
 * the page only mirrors it. BroadcastChannel is off so edits never bypass the server.
 */
export function usePlanConnection(planId: string): PlanConnection | null {
  const [connection, setConnection] = useState<PlanConnection | null>(null);
  useEffect(() => {
    const doc = new Y.Doc();
    const url = `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/collab`;
    const provider = new WebsocketProvider(url, planId, doc, { disableBc: true, maxBackoffTime: 5000 });
    setConnection({ doc, provider });
    return () => {
      provider.destroy();
      doc.destroy();
      setConnection(null);
    };
  }, [planId]);
  return connection;
}

/** What the person should be told about the connection, kept up to date. */
export function useConnectionState(connection: PlanConnection | null): ConnectionState {
  const [state, setState] = useState<ConnectionState>("connecting");
  useEffect(() => {
    if (!connection) return;
    const { doc, provider } = connection;
    let everSynced = false;
    let unsaved = false;
    let final: ConnectionState | null = null;
    const compute = () => {
      if (final) return setState(final);
      if (!navigator.onLine) return setState(unsaved ? "offlineUnsaved" : "offline");
      if (provider.wsconnected && provider.synced) return setState("connected");
      if (everSynced && unsaved) return setState("offlineUnsaved");
      setState(everSynced ? "reconnecting" : "connecting");
    };
    const onSync = (synced: boolean) => {
      if (synced) {
        everSynced = true;
        // Our own SyncStep2 (what we wrote offline) went out before the server's answer arrived.
        unsaved = false;
      }
      compute();
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin !== provider && (!navigator.onLine || !(provider.wsconnected && provider.synced))) {
        unsaved = true;
        compute();
      }
    };
    const onClose = (event: CloseEvent | null) => {
      if (event?.code === CLOSE_READ_ONLY) final = "readOnly";
      // Locked for signing: the text stays on screen, read-only; the page reloads its data.
      else if (event?.code === CLOSE_PLAN_LOCKED) final = "locked";
      else if (event?.code === CLOSE_MALFORMED) final = "failed";
      else if (event?.code === CLOSE_ACCESS_CHANGED) {
        final = "accessChanged";
        // New rights mean a new page: the loader decides what this person may see now.
        window.setTimeout(() => window.location.reload(), 1500);
      }
      if (final) provider.shouldConnect = false;
      compute();
    };
    provider.on("sync", onSync);
    provider.on("status", compute);
    provider.on("connection-close", onClose);
    doc.on("update", onUpdate);
    window.addEventListener("online", compute);
    window.addEventListener("offline", compute);
    compute();
    return () => {
      provider.off("sync", onSync);
      provider.off("status", compute);
      provider.off("connection-close", onClose);
      doc.off("update", onUpdate);
      window.removeEventListener("online", compute);
      window.removeEventListener("offline", compute);
    };
  }, [connection]);
  return state;
}

/** Everyone in the plan now, one entry per person (several tabs count once), self first. */
export function usePresence(connection: PlanConnection | null): PresentPerson[] {
  const [people, setPeople] = useState<PresentPerson[]>([]);
  useEffect(() => {
    if (!connection) return;
    const { awareness } = connection.provider;
    const update = () => {
      const seen = new Map<string, PresentPerson>();
      for (const [clientId, state] of awareness.getStates()) {
        const user = (state as { user?: PresenceUser }).user;
        if (!user?.name) continue;
        const isSelf = clientId === awareness.clientID;
        const key = user.key ?? String(clientId);
        const known = seen.get(key);
        if (!known || isSelf) seen.set(key, { ...user, clientId, isSelf: isSelf || (known?.isSelf ?? false) });
      }
      setPeople([...seen.values()].sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name, "sv")));
    };
    awareness.on("change", update);
    update();
    return () => awareness.off("change", update);
  }, [connection]);
  return people;
}
