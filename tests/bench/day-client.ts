import { decode } from "turbo-stream";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { CookieJar } from "../support/cookie-jar";

/**
 * The pieces a simulated person of `npm run bench:day` is made of, in one client process: a
 * device (a browser: cookies, page loads, `.data` requests, one event stream per page like the
 * browser's EventSource, one collaboration socket per plan page like the app's editor), and what
 * measures them (Recorder) and keeps event deliveries attributable (ChangeLedger).
 *
 * Times are `process.hrtime` (CLOCK_MONOTONIC, the same clock in every process on the machine),
 * so the parent's schedule means the same moment in every client process.
 */

export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

// ---------- measuring ----------

export const latencyKinds = ["page", "data", "signIn", "action", "sse", "edit"] as const;
export type LatencyKind = (typeof latencyKinds)[number];

/** What happened in one client process: latencies (with when), counts per activity, errors by kind. */
export class Recorder {
  /** Per kind: [seconds since t0, milliseconds] pairs. */
  readonly latencies: Record<LatencyKind, number[]> = { page: [], data: [], signIn: [], action: [], sse: [], edit: [] };
  readonly counts: Record<string, number> = {};
  readonly errors: Record<string, { count: number; examples: string[] }> = {};

  constructor(private readonly t0: number) {}

  latency(kind: LatencyKind, ms: number): void {
    this.latencies[kind].push((now() - this.t0) / 1000, ms);
  }

  count(kind: string, n = 1): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + n;
  }

  /** Something a person would notice (a failed request, a lost event or keystroke). Never personal data: paths hold only ids. */
  error(kind: string, detail = ""): void {
    const entry = (this.errors[kind] ??= { count: 0, examples: [] });
    entry.count++;
    if (detail && entry.examples.length < 3) entry.examples.push(detail.slice(0, 300));
  }
}

// ---------- event deliveries ----------

/** How long an event may take before it counts as lost. */
const LOST_EVENT_MS = 30_000;

/**
 * Events carry no content ("changed: talk"), so a delivery is attributed by order: every change a
 * client process makes takes the locks of what it touches (a plan, the people it notifies), each
 * open stream that listens to one of those keys expects one event per key, and the change holds
 * its locks until each has arrived. A stream opens under the same locks, so it either sees a
 * change whole or not at all. Every publisher of the load lives in the process of the streams it
 * reaches (see day.ts: a talk, its mentor and the teachers it calls share a process).
 */
export class ChangeLedger {
  private readonly held = new Map<string, Array<() => void>>();
  readonly streams = new Set<EventStreamClient>();

  constructor(private readonly recorder: Recorder) {}

  private async lockOne(key: string): Promise<void> {
    const waiters = this.held.get(key);
    if (!waiters) {
      this.held.set(key, []);
      return;
    }
    await new Promise<void>((resolve) => waiters.push(resolve));
  }

  private unlockOne(key: string): void {
    const waiters = this.held.get(key)!;
    const next = waiters.shift();
    if (next) next();
    else this.held.delete(key);
  }

  /** Takes the locks of some keys (in one order, so two takers never wait for each other); returns the release. */
  async lock(keys: string[]): Promise<() => void> {
    const sorted = [...new Set(keys)].sort();
    for (const key of sorted) await this.lockOne(key);
    return () => sorted.forEach((key) => this.unlockOne(key));
  }

  /**
   * Makes a change (`send`: the request; true when it succeeded) and waits until every stream that
   * listened to one of its keys when it was sent has its event, recording each delivery's time.
   */
  async change(targets: Array<{ key: string; kind: string }>, send: () => Promise<boolean>): Promise<boolean> {
    // The keys first (no stream opens on them meanwhile), then the streams that listen to them:
    // a stream hears of a plan and of a person, and two changes touching it through different
    // keys must not be in flight at once, or their events could arrive in either order. Whoever
    // holds a stream's lock holds all its keys already, so taking them in this order never deadlocks.
    const releaseKeys = await this.lock(targets.map((t) => t.key));
    const listening = [...this.streams].filter((stream) => stream.ready && targets.some((t) => stream.keys.has(t.key)));
    const releaseStreams = await this.lock(listening.map((stream) => `stream:${stream.id}`));
    const release = () => {
      releaseStreams();
      releaseKeys();
    };
    try {
      const expected: Expectation[] = [];
      for (const stream of listening) {
        if (!stream.ready) continue;
        for (const target of targets) if (stream.keys.has(target.key)) expected.push(stream.expect(target.kind));
      }
      const sentAt = now();
      for (const e of expected) e.sentAt = sentAt;
      const ok = await send();
      if (!ok) {
        for (const e of expected) e.cancel();
        return false;
      }
      await Promise.all(expected.map((e) => e.wait(LOST_EVENT_MS, () => this.recorder.error("lost event", `${e.kind} on ${e.stream.path}`))));
      return true;
    } finally {
      release();
    }
  }
}

class Expectation {
  sentAt = NaN;
  private resolveArrival!: () => void;
  readonly arrived = new Promise<void>((resolve) => (this.resolveArrival = resolve));

  constructor(
    readonly stream: EventStreamClient,
    readonly kind: string,
  ) {}

  settle(): void {
    this.resolveArrival();
  }

  cancel(): void {
    this.stream.forget(this);
    this.settle();
  }

  async wait(ms: number, onLost: () => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"lost">((resolve) => (timer = setTimeout(() => resolve("lost"), ms)));
    const outcome = await Promise.race([this.arrived.then(() => "arrived" as const), timeout]);
    clearTimeout(timer);
    if (outcome === "lost") {
      onLost();
      this.cancel();
    }
  }
}

/**
 * One page's event stream (`/events`, with `?plan=` on a page that shows a plan), read as a
 * browser's EventSource reads it. `keys`: what it hears of — the person's own events, and the plan's.
 */
let streamIds = 0;

export class EventStreamClient {
  readonly id = ++streamIds;
  readonly keys: Set<string>;
  readonly path: string;
  ready = false;
  private closed = false;
  private readonly queue: Expectation[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly device: Device,
    planId: string | null,
    private readonly onChanged: (kind: string) => void,
  ) {
    this.keys = new Set([`person:${device.person.id}`, ...(planId ? [`plan:${planId}`] : [])]);
    this.path = planId ? `/events?plan=${planId}` : "/events";
  }

  expect(kind: string): Expectation {
    const expectation = new Expectation(this, kind);
    this.queue.push(expectation);
    return expectation;
  }

  forget(expectation: Expectation): void {
    const at = this.queue.indexOf(expectation);
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** Opens the stream under its keys' locks and resolves once it said hello (it then hears every change). */
  async open(): Promise<boolean> {
    const { world } = this.device;
    const release = await world.ledger.lock([...this.keys]);
    try {
      // Closed while waiting (the page moved on): nothing to open.
      if (this.closed) return false;
      let response: Response;
      try {
        response = await this.device.jar.fetch(world.url(this.path), { headers: { Accept: "text/event-stream" }, signal: this.abort.signal });
      } catch (error) {
        if (!this.closed) world.recorder.error("stream failed", `${this.path}: ${String(error)}`);
        return false;
      }
      if (response.status !== 200 || !response.body) {
        world.recorder.error(`stream ${response.status}`, this.path);
        await response.body?.cancel().catch(() => {});
        return false;
      }
      world.recorder.count("streamsOpened");
      let saidHello!: () => void;
      const hello = new Promise<void>((resolve) => (saidHello = resolve));
      void this.read(response.body, saidHello);
      const greeted = await Promise.race([hello.then(() => true), sleep(LOST_EVENT_MS).then(() => false)]);
      if (!greeted) {
        world.recorder.error("stream without hello", this.path);
        return false;
      }
      this.ready = true;
      world.ledger.streams.add(this);
      return true;
    } finally {
      release();
    }
  }

  private async read(body: ReadableStream<Uint8Array>, saidHello: () => void): Promise<void> {
    const { world } = this.device;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
          if (event === "hello") {
            saidHello();
            // As the page does: a change between loading its data and the stream listening makes it reload.
            if (this.device.missedChanges(data)) {
              world.recorder.count("helloReloads");
              this.onChanged("hello");
            }
          }
          else if (event === "changed") this.deliver(data);
        }
      }
      if (!this.closed) world.recorder.error("stream ended by the server", this.path);
    } catch {
      if (!this.closed) world.recorder.error("stream broke", this.path);
    }
    this.finish();
  }

  private deliver(kind: string): void {
    const { recorder } = this.device.world;
    recorder.count("eventsReceived");
    const expectation = this.queue.shift();
    if (!expectation) recorder.count("eventsUnattributed");
    else if (expectation.kind !== kind) {
      recorder.error("event of another kind", `${kind} where ${expectation.kind} was expected on ${this.path}`);
      expectation.settle();
    } else {
      recorder.latency("sse", now() - expectation.sentAt);
      expectation.settle();
    }
    this.onChanged(kind);
  }

  private finish(): void {
    this.ready = false;
    this.device.world.ledger.streams.delete(this);
    // A stream that is gone expects nothing more (a change waiting for it goes on).
    for (const expectation of this.queue.splice(0)) expectation.settle();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.finish();
  }
}

// ---------- edits ----------

/** A plan's typist and when each of her keystrokes left (by Yjs clock), for the plan's readers in this process. */
export class PlanEdits {
  typistClient: number | null = null;
  readonly sentAt = new Map<number, number>();
  /** Set before the lock is requested: the writers' 4423 is then what is expected. */
  locked = false;
}

/** How long a keystroke may take before a reader that was connected all along counts it as lost. */
const LOST_KEYSTROKE_MS = 5_000;

/**
 * The app's one collaboration socket per plan page (app/editor/plan-connection.client.ts): a stock
 * y-websocket provider that sends only its own awareness state and does not reconnect after a
 * final close code. Readers note when each of the typist's keystrokes arrives.
 */
export class PlanSocket {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private syncedAt = -1;
  private closedByUs = false;
  private readonly received = new Set<number>();
  readonly synced: Promise<boolean>;

  constructor(
    private readonly device: Device,
    readonly planId: string,
    readonly writer: boolean,
    private readonly edits: PlanEdits,
  ) {
    const { world } = device;
    const cookie = device.jar.header(world.base);
    class CookieWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: cookie ? { Cookie: cookie } : {} });
      }
    }
    const doc = this.doc;
    const provider = (this.provider = new WebsocketProvider(`${world.wsBase}/collab`, planId, doc, {
      WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 5000,
    }));
    // As the app does: only our own awareness state goes out, never the peers' we heard.
    const sendChanges = provider._awarenessUpdateHandler;
    const sendOwn: typeof sendChanges = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const own = (ids: number[]) => ids.filter((id) => id === doc.clientID);
      const mine = { added: own(added), updated: own(updated), removed: own(removed) };
      if (mine.added.length + mine.updated.length + mine.removed.length > 0) sendChanges(mine, origin);
    };
    provider.awareness.off("update", sendChanges);
    provider.awareness.on("update", sendOwn);
    provider._awarenessUpdateHandler = sendOwn;
    provider.awareness.setLocalState({ cursor: null });
    world.recorder.count("socketsOpened");

    provider.on("connection-close", (event) => {
      if (this.closedByUs) return;
      const code = event?.code ?? 0;
      if (code === 4423 && writer && edits.locked) {
        provider.shouldConnect = false;
        return;
      }
      world.recorder.error(`socket closed ${code}`, `plan socket (${writer ? "writer" : "reader"})`);
      if (code >= 4000) provider.shouldConnect = false;
    });
    this.synced = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000);
      const onSync = (isSynced: boolean) => {
        if (!isSynced) return;
        provider.off("sync", onSync);
        clearTimeout(timer);
        this.syncedAt = now();
        resolve(true);
      };
      provider.on("sync", onSync);
    });
    void this.synced.then((ok) => ok || this.closedByUs || world.recorder.error("socket did not sync", writer ? "writer" : "reader"));
    if (!writer) {
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin !== provider || this.syncedAt < 0 || edits.typistClient === null) return;
        const meta = Y.parseUpdateMeta(update);
        const from = meta.from.get(edits.typistClient);
        const to = meta.to.get(edits.typistClient);
        if (from === undefined || to === undefined) return;
        const arrivedAt = now();
        for (let clock = from; clock < to; clock++) {
          const sent = edits.sentAt.get(clock);
          if (sent === undefined || this.received.has(clock)) continue;
          this.received.add(clock);
          world.recorder.latency("edit", arrivedAt - sent);
        }
      });
    }
  }

  /** The typist's keystroke: one character at the end of a section, the caret after it. */
  type(fragmentName: string, char: string): void {
    const { doc } = this;
    this.edits.sentAt.set(Y.getState(doc.store, doc.clientID), now());
    const fragment = doc.getXmlFragment(fragmentName);
    let text: Y.XmlText | undefined;
    doc.transact(() => {
      let paragraph = fragment.get(fragment.length - 1) as Y.XmlElement | undefined;
      if (!paragraph) {
        paragraph = new Y.XmlElement("paragraph");
        fragment.insert(0, [paragraph]);
      }
      text = paragraph.get(0) as Y.XmlText | undefined;
      if (!text) {
        text = new Y.XmlText();
        paragraph.insert(0, [text]);
      }
      text.insert(text.length, char);
    });
    const caret = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text!, text!.length));
    this.provider.awareness.setLocalStateField("cursor", { anchor: caret, head: caret });
    this.device.world.recorder.count("keystrokes");
  }

  /** Closes the socket; a reader then checks that every keystroke sent while it listened arrived. */
  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    const closedAt = now();
    if (!this.writer && this.syncedAt >= 0) {
      let lost = 0;
      for (const [clock, sent] of this.edits.sentAt) {
        if (sent >= this.syncedAt && sent <= closedAt - LOST_KEYSTROKE_MS && !this.received.has(clock)) lost++;
      }
      if (lost > 0) this.device.world.recorder.error("lost keystroke", `${lost} on one reader`);
    }
    this.provider.destroy();
    this.doc.destroy();
  }
}

// ---------- a device ----------

/** What a client process shares among its devices. */
export interface World {
  base: string;
  wsBase: string;
  recorder: Recorder;
  ledger: ChangeLedger;
  url(path: string): string;
}

/** A page's single-fetch data URL, as the browser asks for it. */
export const dataPath = (path: string) => (path === "/" ? "/_root.data" : `${path}.data`);

/** Route data by route id, as the browser decodes a `.data` answer. */
export type RouteData = Record<string, { data?: unknown } | undefined>;

/** One person's browser. */
export class Device {
  readonly jar = new CookieJar();
  stream: EventStreamClient | null = null;
  socket: PlanSocket | null = null;
  signedIn = false;
  /** The page is being closed: nothing but the sign-out is sent any more. */
  private leaving = false;
  /** How many changes the page's data had seen (the person's, the plan's), as the page keeps them for its stream's hello. */
  private loaded: { person: number; plan: number | null } = { person: 0, plan: null };

  constructor(
    readonly world: World,
    readonly person: { id: string; email: string },
  ) {}

  private async request(
    kind: LatencyKind,
    path: string,
    init: RequestInit,
    expected: (status: number) => boolean,
    signingOut = false,
  ): Promise<{ ok: boolean; body: string; status: number }> {
    const { recorder } = this.world;
    // A closed page sends nothing more (but its sign-out), and what it had in flight is abandoned.
    const closed = () => kind !== "signIn" && !signingOut && (!this.signedIn || this.leaving);
    if (closed()) return { ok: false, body: "", status: 0 };
    const started = now();
    try {
      const response = await this.jar.fetch(this.world.url(path), init);
      const body = await response.text();
      recorder.latency(kind, now() - started);
      recorder.count(kind);
      if (closed()) return { ok: false, body, status: response.status };
      if (!expected(response.status)) {
        recorder.error(`${kind} answered ${response.status}`, `${init.method ?? "GET"} ${path}`);
        return { ok: false, body, status: response.status };
      }
      return { ok: true, body, status: response.status };
    } catch (error) {
      recorder.error(`${kind} failed`, `${init.method ?? "GET"} ${path}: ${String(error)}`);
      return { ok: false, body: "", status: 0 };
    }
  }

  async signIn(password: string): Promise<boolean> {
    const result = await this.request(
      "signIn",
      "/login",
      { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email: this.person.email, password }) },
      (status) => status === 302,
    );
    this.signedIn = result.ok;
    return result.ok;
  }

  /** A full page load (the HTML; the scripts come from the browser's cache). */
  async page(path: string): Promise<boolean> {
    return (await this.request("page", path, { headers: { Accept: "text/html" } }, (s) => s === 200)).ok;
  }

  /** The page's data, as a client-side navigation or a revalidation asks for it, decoded as the browser does. */
  async data(path: string): Promise<RouteData | null> {
    const result = await this.request("data", dataPath(path), {}, (s) => s === 200);
    if (!result.ok) return null;
    const decoded = await decode(new Response(result.body).body!);
    await decoded.done;
    const routes = decoded.value as RouteData;
    const values = Object.values(routes).map((r) => r?.data as { personSeq?: number; liveSeq?: number } | undefined);
    this.loaded = {
      person: values.find((v) => typeof v?.personSeq === "number")?.personSeq ?? 0,
      plan: values.find((v) => typeof v?.liveSeq === "number")?.liveSeq ?? null,
    };
    return routes;
  }

  /** Whether a stream's hello says the data on the page missed a change (use-live-events). */
  missedChanges(hello: string): boolean {
    try {
      const seen = JSON.parse(hello) as { person: number; plan: number | null };
      return seen.person !== this.loaded.person || (seen.plan !== null && seen.plan !== this.loaded.plan);
    } catch {
      return true;
    }
  }

  /** A form posted as the app's fetcher posts it (single fetch: the action only). */
  async act(path: string, fields: Array<[string, string]>, direct = false): Promise<boolean> {
    const result = await this.request(
      "action",
      direct ? path : dataPath(path),
      { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) },
      (s) => s === 200,
    );
    return result.ok;
  }

  /**
   * Signs the plan with the fields the signing step showed. When the last sign-in grew too old
   * between reading the step and pressing the button (401, "reauthenticate"), the page asks for
   * the password and the person gives it: so does this, once.
   */
  async sign(path: string, fields: (withPassword: boolean) => Array<[string, string]>, withPassword: boolean): Promise<boolean> {
    const form = (password: boolean) => ({
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields(password)),
    });
    const first = await this.request("action", dataPath(path), form(withPassword), (s) => s === 200 || (!withPassword && s === 401));
    if (!first.ok || first.status === 200) return first.ok;
    this.world.recorder.count("passwordAskedAgain");
    return (await this.request("action", dataPath(path), form(true), (s) => s === 200)).ok;
  }

  async signOut(): Promise<void> {
    if (!this.signedIn) return;
    this.leaving = true;
    const result = await this.request(
      "action",
      "/logout",
      { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" },
      (s) => s === 302,
      true,
    );
    this.signedIn = false;
    if (result.ok) this.world.recorder.count("signOuts");
  }

  /** Opens the page's event stream (closing the previous one), as the root's useLiveEvents does. */
  async listen(planId: string | null, onChanged: (kind: string) => void): Promise<void> {
    this.stream?.close();
    // A page being closed opens nothing (a late step of someone who has already left).
    if (this.leaving || !this.signedIn) return;
    const stream = new EventStreamClient(this, planId, onChanged);
    this.stream = stream;
    await stream.open();
  }

  stopListening(): void {
    this.stream?.close();
    this.stream = null;
  }

  /** Connects the page's editors to a plan (the one socket per plan page). */
  async connect(planId: string, writer: boolean, edits: PlanEdits): Promise<PlanSocket | null> {
    this.disconnect();
    if (this.leaving || !this.signedIn) return null;
    const socket = new PlanSocket(this, planId, writer, edits);
    this.socket = socket;
    await socket.synced;
    return socket;
  }

  disconnect(): void {
    this.socket?.close();
    this.socket = null;
  }

  /**
   * Leaves: the page closes (socket, stream), then the person signs out — or, `closeTab`, just
   * closes the tab as people do on a phone: the session stays, and the server learns only that the
   * connections went away (which must be enough for it to let go of them).
   */
  async leave(closeTab = false): Promise<void> {
    this.leaving = true;
    this.disconnect();
    this.stopListening();
    if (!closeTab) return this.signOut();
    if (this.signedIn) this.world.recorder.count("tabsClosed");
    this.signedIn = false;
  }
}
