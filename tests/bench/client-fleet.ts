/**
 * One process of the benchmark's clients (forked by collab.ts). Each process holds whole plans —
 * the typist and the readers of a plan share one clock — and the load is spread over several
 * processes so that one process's garbage collection or a burst of its timers does not hold up
 * every delivery of the run: what is measured should be the server, not a single client
 * process with 2,000 sockets (the way a school's browsers are thousands of separate machines).
 *
 * Protocol (process IPC, JSON): connect → connected, prime → primed, type → typed, close → exit.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { textOf, typeOne } from "./typing";

/** "relay-floor" is no collaboration server: the floor of the measurement (peers/relay-floor.mjs). */
export type ServerName = "ours" | "y-websocket" | "hocuspocus-sqlite" | "relay-floor";

export interface FleetPlan {
  planId: string;
  /** Our server: the typing pupil's session cookie and the readers' (the mentor's). */
  typistCookie?: string;
  readerCookie?: string;
}

export type FleetCommand =
  | { kind: "connect"; server: ServerName; url: string; plans: FleetPlan[]; clientsPerPlan: number }
  | { kind: "prime" }
  | { kind: "type"; rate: number; typingMs: number; drainMs: number }
  | { kind: "close" };

export type FleetReply =
  | { kind: "connected"; connectTimes: number[] }
  | { kind: "primed"; complete: boolean }
  | { kind: "typed"; latencies: number[]; delivered: number; expected: number };

interface Client {
  doc: Y.Doc;
  synced: Promise<void>;
  destroy(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `acks`: ask our server for `Stored` acknowledgements as the browser does (their cost is measured too; the count is not used here). */
function yWebsocketClient(base: string, room: string, cookie: string | undefined, acks = false): Client {
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, cookie ? { headers: { Cookie: cookie } } : {});
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(base, room, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
    ...(acks ? { params: { acks: "1" } } : {}),
  });
  if (acks) provider.messageHandlers[4] = () => {};
  const synced = new Promise<void>((resolve) => {
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return;
      provider.off("sync", onSync);
      resolve();
    };
    provider.on("sync", onSync);
  });
  return {
    doc,
    synced,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

function hocuspocusClient(url: string, name: string): Client {
  const doc = new Y.Doc();
  const websocketProvider = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket, maxDelay: 500 });
  const provider = new HocuspocusProvider({ websocketProvider, name, document: doc });
  (provider as unknown as { attach?: () => void }).attach?.();
  const synced = new Promise<void>((resolve) => {
    if (provider.isSynced) return resolve();
    provider.on("synced", () => resolve());
  });
  return {
    doc,
    synced,
    destroy() {
      provider.destroy();
      websocketProvider.destroy();
      doc.destroy();
    },
  };
}

// Every y-websocket provider listens for the process's exit (to say goodbye): thousands here.
process.setMaxListeners(0);

let groups: Client[][] = [];

async function connect(command: Extract<FleetCommand, { kind: "connect" }>): Promise<FleetReply> {
  const connectTimes: number[] = [];
  const open = (plan: FleetPlan, typist: boolean): Client => {
    if (command.server === "hocuspocus-sqlite") return hocuspocusClient(command.url, plan.planId);
    return yWebsocketClient(command.url, plan.planId, typist ? plan.typistCookie : plan.readerCookie, command.server === "ours");
  };
  // In waves, as people arrive: everyone of a plan together.
  for (let start = 0; start < command.plans.length; start += 25) {
    await Promise.all(
      command.plans.slice(start, start + 25).map(async (plan, offset) => {
        const group = Array.from({ length: command.clientsPerPlan }, (_, k) => {
          const began = performance.now();
          const client = open(plan, k === 0);
          void client.synced.then(() => connectTimes.push(performance.now() - began));
          return client;
        });
        groups[start + offset] = group;
        await Promise.all(group.map((c) => c.synced));
      }),
    );
  }
  return { kind: "connected", connectTimes };
}

/** A first character creates the paragraph; measuring starts once every reader has it. */
async function prime(): Promise<FleetReply> {
  for (const group of groups) typeOne(group[0]!.doc, "·");
  const everyoneHasIt = () => groups.every((group) => group.every((c) => (textOf(c.doc)?.length ?? 0) >= 1));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !everyoneHasIt()) await sleep(50);
  // The connections' garbage is collected now, not in the middle of the measurement.
  (globalThis as { gc?: () => void }).gc?.();
  return { kind: "primed", complete: everyoneHasIt() };
}

/** One typist per plan, one character per keystroke; each reader notes when each character arrives. */
async function type({ rate, typingMs, drainMs }: Extract<FleetCommand, { kind: "type" }>): Promise<FleetReply> {
  const latencies: number[] = [];
  let delivered = 0;
  let expected = 0;
  const timers: NodeJS.Timeout[] = [];
  for (const group of groups) {
    const sentAt: number[] = [];
    const typist = group[0]!;
    const readers = group.slice(1);
    for (const reader of readers) {
      let seen = textOf(reader.doc)?.length ?? 0;
      reader.doc.on("update", () => {
        const length = textOf(reader.doc)?.length ?? 0;
        const now = performance.now();
        for (let i = seen; i < length; i++) {
          if (sentAt[i] !== undefined) {
            latencies.push(now - sentAt[i]!);
            delivered++;
          }
        }
        seen = Math.max(seen, length);
      });
    }
    let keystrokes = 0;
    const keystroke = () => {
      const text = textOf(typist.doc);
      sentAt[text ? text.length : 0] = performance.now();
      keystrokes++;
      expected += readers.length;
      typeOne(typist.doc, String.fromCharCode(97 + (keystrokes % 26)));
    };
    // Typists start at random moments, as people do.
    timers.push(
      setTimeout(() => {
        keystroke();
        timers.push(setInterval(keystroke, 1000 / rate));
      }, Math.random() * (1000 / rate)),
    );
  }
  await sleep(typingMs);
  timers.forEach((t) => clearInterval(t));
  const drainUntil = Date.now() + drainMs;
  while (delivered < expected && Date.now() < drainUntil) await sleep(50);
  return { kind: "typed", latencies, delivered, expected };
}

async function handle(command: FleetCommand): Promise<FleetReply | null> {
  switch (command.kind) {
    case "connect":
      return connect(command);
    case "prime":
      return prime();
    case "type":
      return type(command);
    case "close":
      for (const group of groups) for (const client of group) client.destroy();
      groups = [];
      setTimeout(() => process.exit(0), 200);
      return null;
  }
}

process.on("message", (command: FleetCommand) => {
  handle(command).then(
    (reply) => reply && process.send!(reply),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
