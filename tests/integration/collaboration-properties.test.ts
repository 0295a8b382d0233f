import fc from "fast-check";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { collabMessage } from "../support/collab-raw";
import { firstPlanId, get, signInEach } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Property tests over the collaboration socket: thousands of random and mutated messages (sync
 * requests, sync replies, updates, awareness, unknown types, truncated numbers, lengths larger
 * than the message) from a read-only and from a writing connection, against the real server,
 * while a real editor (a y-websocket client) keeps typing and another client reads along.
 *
 * - The server never crashes, stalls or hits an error it did not expect: /healthz answers after
 *   every batch, a fresh client syncs, and the server logs no error.
 * - Nothing a read-only connection sends changes the document: after every batch the stored
 *   document holds exactly what it held plus what the editor typed.
 * - The editor's edits keep reaching the reader.
 *
 * 5,000 messages per connection kind (RUNS × BATCH); each message is sent, then a sync request,
 * and the next goes only once the server has answered that request (or closed the connection,
 * when a new one is opened), so every message is handled, in order.
 */

const RUNS = 100;
const BATCH = 50;
/** Connections per kind that take messages side by side (the server handles them one by one). */
const LANES = 4;
const MAX_PAYLOAD = 65_536;
/** Each property sends 5,000 messages (about 10 s here, alone); the suite's 30 s default is for
 * single scenarios, and CI runs two files at a time on two cores. */
const PROPERTY_TIMEOUT_MS = 120_000;

let server: TestServer;
let planId = "";
let cookies: Record<string, string> = {};
let editor: PlanClient;
let reader: PlanClient;
let typed = 0;

beforeAll(async () => {
  server = await startTestServer({ env: { COLLAB_UNLOAD_MS: "60000", COLLAB_MAX_PAYLOAD: String(MAX_PAYLOAD) } });
  cookies = await signInEach(server.url, { alva: "elev@demo.test", guardian: "vh@demo.test", mentor: "mentor@demo.test", maths: "matte@demo.test" });
  planId = await firstPlanId(server.url, cookies.alva!);
  editor = connectToPlan(server.url, planId, cookies.alva!);
  reader = connectToPlan(server.url, planId, cookies.guardian!);
  await Promise.all([editor.synced(), reader.synced()]);
  editor.provider.awareness.setLocalStateField("cursor", null);
  typeInto(editor.doc, "goals", "Början.");
  typeInto(editor.doc, "about", "Jag heter Alva.");
});

afterAll(async () => {
  editor?.destroy();
  reader?.destroy();
  await server?.stop();
  server?.cleanup();
});

// ------------------------------------------------------------------------------------------------
// Sending: lanes of raw sockets that wait for each message to be handled

const PROBE = collabMessage.syncStep1(new Uint8Array([0]));

/** Whether the server answers this message with a sync reply of its own (a well-formed request). */
function asksForSync(message: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(message);
    return decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === 0;
  } catch {
    return false;
  }
}

class Lane {
  private socket: WebSocket | null = null;
  private replies = 0;
  private closed = true;
  private wake: (() => void) | null = null;

  constructor(private readonly cookie: string) {}

  private async open() {
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/collab/${planId}`, { headers: { Cookie: this.cookie } });
    this.socket = socket;
    this.replies = 0;
    this.closed = false;
    socket.on("message", (data) => {
      const bytes = data as Buffer;
      if (bytes[0] === 0 && bytes[1] === 1) this.replies++;
      this.wake?.();
    });
    socket.on("close", () => {
      if (this.socket === socket) this.closed = true;
      this.wake?.();
    });
    socket.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("unexpected-response", (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
  }

  /** Sends one message and waits until the server has handled it. */
  async deliver(message: Uint8Array | string) {
    if (this.closed) await this.open();
    const socket = this.socket!;
    const expected = this.replies + (typeof message !== "string" && asksForSync(message) ? 2 : 1);
    socket.send(message);
    if (socket.readyState === WebSocket.OPEN) socket.send(PROBE);
    while (!this.closed && this.replies < expected) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
  }

  close() {
    this.socket?.terminate();
  }
}

async function deliverAll(lanes: Lane[], messages: Array<Uint8Array | string>) {
  await Promise.all(lanes.map(async (lane, i) => {
    for (let k = i; k < messages.length; k += lanes.length) await lane.deliver(messages[k]!);
  }));
}

// ------------------------------------------------------------------------------------------------
// Messages

function encode(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const sectionNames = ["about", "goals", "pupilActions", "schoolActions", "guardianActions"];
const rootName = fc.oneof(fc.constantFrom(...sectionNames, "evil", "subject-nope", ""), fc.string({ maxLength: 12 }));

/** An edit a client could make, on its own copy of the document. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("paragraph" as const), root: rootName, text: fc.string({ maxLength: 20 }) }),
  fc.record({ kind: fc.constant("type" as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 10 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant("map" as const), root: rootName, value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant("unparent" as const), text: fc.string({ maxLength: 5 }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

/** The update a list of edits makes on a copy of what the server holds (as the reader sees it). */
function updateFrom(edits: Edit[], clientId: number, basedOnServer: boolean): Uint8Array {
  const copy = new Y.Doc();
  if (basedOnServer) Y.applyUpdate(copy, Y.encodeStateAsUpdate(reader.doc));
  // After loading: a forger may write under any client id, one already in the document too.
  copy.clientID = clientId;
  const updates: Uint8Array[] = [];
  copy.on("update", (update: Uint8Array) => updates.push(update));
  const texts = () =>
    sectionNames.flatMap((name) =>
      copy
        .getXmlFragment(name)
        .toArray()
        .flatMap((node) => (node instanceof Y.XmlElement ? node.toArray().filter((child): child is Y.XmlText => child instanceof Y.XmlText) : [])),
    );
  for (const change of edits) {
    try {
      if (change.kind === "paragraph") {
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText(change.text)]);
        copy.getXmlFragment(change.root).insert(0, [paragraph]);
      } else if (change.kind === "map") {
        copy.getMap(`${change.root}-map`).set("k", change.value);
      } else if (change.kind === "unparent") {
        // Content in a paragraph the server never received (its update is not sent).
        const orphan = new Y.Doc();
        orphan.clientID = clientId + 1;
        orphan.getXmlFragment("goals").insert(0, [new Y.XmlElement("paragraph")]);
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(orphan));
        updates.length = 0;
        (copy.getXmlFragment("goals").get(0) as Y.XmlElement).insert(0, [new Y.XmlText(change.text)]);
      } else {
        const all = texts();
        const text = all[change.at % Math.max(all.length, 1)];
        if (!text) continue;
        if (change.kind === "type") text.insert(change.at % (text.length + 1), change.text);
        else if (text.length > 0) text.delete(change.at % text.length, Math.min(change.length, text.length - (change.at % text.length)));
      }
    } catch {
      // A fragment name Yjs refuses (a root already used as another type): no update from it.
    }
  }
  copy.destroy();
  return updates.length > 0 ? Y.mergeUpdates(updates) : Y.encodeStateAsUpdate(new Y.Doc());
}

/** A delete-only update naming any range of any client's structs (real ones included). */
const deletion = fc
  .record({ client: fc.oneof(fc.constant(-1), fc.nat(0xffffffff)), clock: fc.nat(40), length: fc.integer({ min: 1, max: 60 }) })
  .map(({ client, clock, length }) =>
    encode((e) => {
      encoding.writeVarUint(e, 0); // no structs
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, client === -1 ? editor.doc.clientID : client);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, length);
    }),
  );

const updateBody = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.nat(0xffffffff), fc.boolean()).map(([edits, id, based]) => updateFrom(edits, id, based)) },
  { weight: 2, arbitrary: deletion },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
);

const position = fc.oneof(
  fc.constant(null),
  fc.constant({}),
  fc.record({ type: fc.constant(null), tname: fc.constantFrom("goals", "about", "evil"), item: fc.constant(null), assoc: fc.constantFrom(0, -1) }),
  fc.record({ type: fc.record({ client: fc.nat(0xffffffff), clock: fc.nat(50) }), tname: fc.constant(null), item: fc.option(fc.record({ client: fc.nat(0xffffffff), clock: fc.nat(50) })) }),
  fc.jsonValue({ maxDepth: 2 }),
);
const presenceState = fc.oneof(
  fc.record({ user: fc.jsonValue({ maxDepth: 1 }), cursor: fc.oneof(fc.constant(null), fc.record({ anchor: position, head: position }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ cursor: fc.constant(null), pad: fc.string({ minLength: 1500, maxLength: 3000 }) }),
);
const awarenessEntries = fc.array(
  fc.record({
    clientId: fc.oneof(fc.nat(20), fc.nat(0xffffffff), fc.constant(2 ** 40)),
    clock: fc.oneof(fc.nat(5), fc.nat(2 ** 31)),
    state: presenceState,
  }),
  { maxLength: 6 },
);

/** A well-formed message of any kind (what mutation starts from). */
const message = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 30 }).map((sv) => collabMessage.syncStep1(sv)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => collabMessage.syncStep1(Y.encodeStateVector(reader.doc))) },
  { weight: 3, arbitrary: updateBody.map((u) => collabMessage.syncStep2(u)) },
  { weight: 4, arbitrary: updateBody.map((u) => collabMessage.update(u)) },
  { weight: 4, arbitrary: awarenessEntries.map((entries) => collabMessage.awareness(entries)) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array([3])) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2, max: 2 ** 40 }), fc.uint8Array({ maxLength: 10 })).map(([type, rest]) => encode((e) => (encoding.writeVarUint(e, type === 3 ? 2 : type), encoding.writeUint8Array(e, rest)))) },
);

/** A message broken the ways bytes break: cut short, flipped, padded, lengths that lie. */
const mutated = fc.tuple(message, fc.nat(), fc.nat(255), fc.integer({ min: 0, max: 4 })).map(([bytes, at, value, how]) => {
  const i = bytes.length === 0 ? 0 : at % bytes.length;
  switch (how) {
    case 0:
      return bytes.slice(0, i);
    case 1: {
      const copy = bytes.slice();
      copy[i] = value;
      return copy;
    }
    case 2:
      return new Uint8Array([...bytes.slice(0, i), 0xff, 0xff, 0xff, 0xff, 0x0f, ...bytes.slice(i)]);
    case 3:
      return new Uint8Array([...bytes, value, value]);
    default:
      return new Uint8Array([...bytes.slice(0, i), 0x80, 0x80, 0x80]);
  }
});

const hostile = fc.oneof(
  { weight: 6, arbitrary: message },
  { weight: 6, arbitrary: mutated },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom<Uint8Array | string>("hello", new Uint8Array([0x80, 0x80, 0x80]), new Uint8Array([]), new Uint8Array(MAX_PAYLOAD + 1)) },
);

// ------------------------------------------------------------------------------------------------
// What must hold after every batch

/** The document as a client that connects now receives it. */
async function storedDocument(): Promise<Y.Doc> {
  const fresh = connectToPlan(server.url, planId, cookies.maths!);
  try {
    await fresh.synced();
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(fresh.doc));
    return copy;
  } finally {
    fresh.destroy();
  }
}

/** Resolves once `holds()` is true of a client's document, checking on each update it receives. */
function until(client: PlanClient, holds: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!holds()) return;
      client.doc.off("update", check);
      resolve();
    };
    client.doc.on("update", check);
    check();
  });
}

/** The editor types; the reader must receive it (by the editor's clock: a writer may have deleted it since). */
async function editorStillWorks() {
  typeInto(editor.doc, "goals", ` [${typed++}]`);
  const typedUpTo = stateOf(editor.doc);
  await until(reader, () => stateOf(reader.doc) >= typedUpTo);
}
const stateOf = (doc: Y.Doc) => Y.getState(doc.store, editor.doc.clientID);

async function serverIsWell() {
  expect((await get(`${server.url}/healthz`)).status).toBe(200);
  const errors = server.logs.filter((line) => (JSON.parse(line) as { level?: number }).level! >= 50);
  expect(errors).toEqual([]);
}

describe("the collaboration socket under random and mutated messages", () => {
  it(`from read-only connections (${RUNS * BATCH} messages): nothing changes the stored document; the server and the editor carry on`, { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await expect.poll(() => sectionText(reader.doc, "about")).toBe("Jag heter Alva.");
    const lanes = Array.from({ length: LANES }, () => new Lane(cookies.guardian!));
    // What the server held after the last batch (only the editor writes in between).
    let previous: Y.Doc | null = null;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(hostile, { minLength: BATCH, maxLength: BATCH }), async (messages) => {
          const before = previous ?? (await storedDocument());
          await deliverAll(lanes, messages);
          await editorStillWorks();
          await serverIsWell();
          const after = await storedDocument();
          // Only the editor has written since: its client's clock moved, nobody else's, and no deletion.
          const was = Y.decodeStateVector(Y.encodeStateVector(before));
          for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(after))) {
            if (client !== editor.doc.clientID) expect(clock, `client ${client}`).toBe(was.get(client));
          }
          expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(after.store), Y.createDeleteSetFromStructStore(before.store))).toBe(true);
          expect(sectionText(after, "about")).toBe("Jag heter Alva.");
          expect([...after.share.keys()].every((name) => sectionNames.includes(name) || name.startsWith("subject-"))).toBe(true);
          previous = after;
        }),
        { numRuns: RUNS },
      );
    } finally {
      for (const lane of lanes) lane.close();
    }
    expect(sectionText(editor.doc, "goals")).toBe(sectionText(reader.doc, "goals"));
  });

  it(`from writing connections (${RUNS * BATCH} messages): the server never crashes or stalls, and the editor carries on`, { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    const lanes = Array.from({ length: LANES }, () => new Lane(cookies.mentor!));
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(hostile, { minLength: BATCH, maxLength: BATCH }), async (messages) => {
          await deliverAll(lanes, messages);
          await editorStillWorks();
          await serverIsWell();
        }),
        { numRuns: RUNS },
      );
    } finally {
      for (const lane of lanes) lane.close();
    }
    // A client connecting now gets everything, converged with the editor and the reader.
    const after = await storedDocument();
    await expect.poll(() => Y.equalSnapshots(Y.snapshot(after), Y.snapshot(reader.doc)) && Y.equalSnapshots(Y.snapshot(after), Y.snapshot(editor.doc))).toBe(true);
    expect([...after.share.keys()].every((name) => sectionNames.includes(name) || name.startsWith("subject-"))).toBe(true);
  });
});
