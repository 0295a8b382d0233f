/**
 * What the browser and the collaboration server share about `/collab` (see
 * server/collab/DOCUMENT-SHAPE.md): roles and their colours, close codes, message types, the
 * document's section names, and the one definition of an awareness (presence) state with its
 * validators. Plain TypeScript without imports, so it costs the browser bundle nothing beyond
 * itself and pulls no server code in. The server never imports from app/editor, the browser
 * never from server/.
 */

// ---------------------------------------------------------------------------------------------
// Roles

/** A person's role in one pupil's plan, as shown in presence and on carets; "guest" is a guest of
 * one of its talks (an interpreter), who has no account and only reads. */
export type PlanRole = "pupil" | "mentor" | "teacher" | "guardian" | "guest";

export const planRoles: readonly PlanRole[] = ["pupil", "mentor", "teacher", "guardian", "guest"];

/** One colour per role, dark enough for white caret labels (WCAG AA contrast). */
export const roleColors: Record<PlanRole, string> = {
  pupil: "#1f5fa8",
  mentor: "#2f6b2f",
  teacher: "#9a4a00",
  guardian: "#7a3b8f",
  guest: "#5a5a5a",
};

/** What an awareness state's `user` holds; the server fills it from the session. */
export interface PresenceUser {
  /** Stable per person and plan, so one person's tabs show once. Made on the server only
   * (app/utils/presence.server.ts); never the person id. */
  key?: string;
  name: string;
  role: PlanRole;
  color: string;
}

/** Length of a presence key (base64url characters). */
export const PRESENCE_KEY_LENGTH = 12;
const PRESENCE_KEY = new RegExp(`^[A-Za-z0-9_-]{${PRESENCE_KEY_LENGTH}}$`);
/** Longest given name shown beside a caret; the roster holds shorter ones. */
const MAX_NAME_CHARS = 100;

// ---------------------------------------------------------------------------------------------
// Protocol

/**
 * Websocket close codes of /collab (4000–4999 are ours). The browser tells the person what
 * happened for each, and does not reconnect after the final ones.
 */
export const CloseCode = {
  /** A message could not be decoded or is not part of the protocol (also: a change outside the plan's sections, an awareness state of the wrong shape). Final. */
  Malformed: 4400,
  /** The session ended: signed out, expired or revoked. The page reloads its data: sign in again (or go on, if a new session has taken its place). */
  SessionEnded: 4401,
  /** A read-only connection sent a document change (insertions and deletions alike). Final. */
  ReadOnly: 4403,
  /** The connection fell too far behind reading what the server sent it (a client that stopped reading); reconnect. */
  TooSlow: 4408,
  /** The person's rights on the plan changed (consent withdrawn, plan unlocked, a guest's window closed): the page reloads its data, and connects again if the plan is still shown. */
  AccessChanged: 4409,
  /** The plan has been locked for signing: nothing more is accepted. Final. */
  PlanLocked: 4423,
  /** Presence limits exceeded: more awareness client ids than a tab uses, or a state larger than a caret and a name. Final. */
  PresenceLimit: 4429,
  /** The plan could not be stored; reconnect and the client resends what is missing. */
  StorageFailed: 4500,
  /** The server is shutting down; reconnect shortly. */
  GoingAway: 1001,
  /** ws closes with this itself when a message is larger than maxPayload. */
  TooLarge: 1009,
} as const;

/**
 * Whether the browser's provider connects again by itself after the server closed with `code`.
 * y-websocket takes every 4400–4499 close as final; ours are, but for TooSlow (the socket fell
 * behind, perhaps only a slow phone: its edits must still reach the server). After AccessChanged
 * and SessionEnded the page reloads its data, and connects again once that data says the person
 * still sees the plan; it resumes after an unlock (PlanLocked) on its own.
 */
export function reconnectsAfterClose(code: number): boolean {
  return code === CloseCode.TooSlow || !(code >= 4400 && code < 4500);
}

/**
 * y-websocket message types: the first varUint of every message. `Stored` is ours (server to
 * client only, and only to a connection that asked for it with `?acks=1`): a count of the
 * connection's sync replies and updates that the server has handled and stored — see
 * "Acknowledgements" in server/collab/DOCUMENT-SHAPE.md. The stock client never asks for it, so
 * it never receives a type it does not know.
 */
export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3, Stored: 4 } as const;

/** The URL parameter with which a client asks for `Stored` acknowledgements (`/collab/<planId>?acks=1`). */
export const ACKS_PARAM = "acks";

/** Awareness client ids one connection may use. A tab uses one (its Y.Doc's client id). */
export const MAX_CLIENT_IDS_PER_CONNECTION = 4;
/** Largest awareness state a client may send, as JSON text: a caret and a name fit in well under it. */
export const MAX_PRESENCE_STATE_CHARS = 2048;

// ---------------------------------------------------------------------------------------------
// The document's shape: one Y.XmlFragment per section

export const fixedSectionFragments = ["about", "goals", "pupilActions", "schoolActions", "guardianActions"] as const;

/** The fragment of a subject's section. */
export const subjectFragment = (subjectId: string) => `subject-${subjectId}`;

const SUBJECT_FRAGMENT = /^subject-[A-Za-z0-9_-]{1,64}$/;

/**
 * What a section may hold: the nodes and marks of the editors' schema
 * (app/editor/content-extensions.ts; a unit test keeps the two in step). Anything else an editor
 * cannot draw — it deletes it, and a reader's editor would thereby "write" — so the server
 * refuses it from writers.
 */
export const sectionBlockNodes: readonly string[] = ["paragraph", "bulletList", "orderedList"];
export const sectionNodes: readonly string[] = [...sectionBlockNodes, "listItem", "hardBreak"];
export const sectionMarks: readonly string[] = ["bold", "italic"];

/**
 * What each node may hold, as the editors' schema says (a section's top holds sectionBlockNodes):
 * the child nodes, and whether text runs. Order and counts ("paragraph block*", "listItem+") are
 * not kept: concurrent edits can break them legitimately and the editors repair them, whereas a
 * node in the wrong parent (a paragraph in a paragraph) is dropped from the signed record.
 */
export const sectionNodeContent: Readonly<Record<string, { readonly nodes: readonly string[]; readonly text: boolean }>> = {
  paragraph: { nodes: ["hardBreak"], text: true },
  bulletList: { nodes: ["listItem"], text: false },
  orderedList: { nodes: ["listItem"], text: false },
  listItem: { nodes: ["paragraph", "bulletList", "orderedList"], text: false },
  hardBreak: { nodes: [], text: false },
};

/** Whether a node may hold a child node of this name (own keys only). */
export function isSectionNodeChild(nodeName: string, childName: string): boolean {
  return Object.hasOwn(sectionNodeContent, nodeName) && sectionNodeContent[nodeName]!.nodes.includes(childName);
}

/** Whether a node may hold text runs. */
export function holdsSectionText(nodeName: string): boolean {
  return Object.hasOwn(sectionNodeContent, nodeName) && sectionNodeContent[nodeName]!.text;
}

/**
 * How many nodes deep a section may nest, counting from its top block (a list item's paragraph in
 * a top-level list is at 3). Every list level costs two (list and item), so this is a list nested
 * about 30 levels — nobody indents that far — while it bounds the recursion with which y-tiptap
 * turns a section into JSON or editor nodes (at the lock on the server, in every viewer's
 * browser), which a chain thousands deep would overflow.
 */
export const MAX_NODE_DEPTH = 64;

/**
 * The node attributes a section may hold, each with the values the editors write (y-tiptap stores
 * every attribute that is not null): orderedList's `start` (default 1) and `type` (the HTML list
 * type, set only from pasted HTML). An attribute the editors do not have would be in the signed
 * record (y-tiptap's JSON copies every attribute) though no editor ever showed it.
 */
export const sectionNodeAttributes: Readonly<Record<string, Readonly<Record<string, (value: unknown) => boolean>>>> = {
  orderedList: {
    start: (value) => Number.isSafeInteger(value),
    type: (value) => value === "1" || value === "a" || value === "A" || value === "i" || value === "I",
  },
};

/** Whether a node may hold this attribute with this value (own keys only: not `constructor` and the like). */
export function isSectionNodeAttribute(nodeName: string, key: string, value: unknown): boolean {
  if (!Object.hasOwn(sectionNodeAttributes, nodeName)) return false;
  const attributes = sectionNodeAttributes[nodeName]!;
  return Object.hasOwn(attributes, key) && attributes[key]!(value);
}

/**
 * Whether a mark may have this value in the text: the marks have no attributes, so y-tiptap writes
 * `{}` where one starts and Yjs `null` where it ends. Any other value would be signed unseen.
 */
export function isSectionMarkValue(mark: string, value: unknown): boolean {
  if (!sectionMarks.includes(mark)) return false;
  return value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
}

/** Whether a root type's name can be a section of some plan (which sections a plan has is SQL). */
export function isSectionFragmentName(name: string): boolean {
  return (fixedSectionFragments as readonly string[]).includes(name) || SUBJECT_FRAGMENT.test(name);
}

// ---------------------------------------------------------------------------------------------
// Awareness states

/** A Yjs ID as JSON. */
export interface YIdJson {
  client: number;
  clock: number;
}

/** A Yjs relative position as JSON (`Y.relativePositionToJSON`, or the class itself stringified). */
export interface RelativePositionJson {
  type?: YIdJson | null;
  tname?: string | null;
  item?: YIdJson | null;
  assoc?: number;
}

/** A caret or selection in one section, as y-tiptap's cursor plugin writes it. */
export interface Caret {
  anchor: RelativePositionJson;
  head: RelativePositionJson;
}

/** What the app's awareness states hold, once the server has set `user`. */
export interface PresenceState {
  user: PresenceUser;
  cursor: Caret | null;
}

const POSITION_KEYS = new Set(["type", "tname", "item", "assoc"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isYId(value: unknown): value is YIdJson {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 2) return false;
  const { client, clock } = value;
  // Yjs client ids are unsigned 32-bit; clocks count structs.
  return Number.isInteger(client) && (client as number) >= 0 && (client as number) <= 0xffff_ffff && Number.isSafeInteger(clock) && (clock as number) >= 0;
}

/**
 * Whether a value is a relative position Yjs can resolve without throwing: exactly one of a
 * parent type's id or a root name (`isRootName` decides which names may appear), an optional
 * item id and an integer association, nothing else.
 */
export function isRelativePositionJson(value: unknown, isRootName: (name: string) => boolean = isSectionFragmentName): value is RelativePositionJson {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) if (!POSITION_KEYS.has(key)) return false;
  const type = value.type ?? null;
  const tname = value.tname ?? null;
  const item = value.item ?? null;
  if (type !== null && !isYId(type)) return false;
  if (item !== null && !isYId(item)) return false;
  if (tname !== null && (typeof tname !== "string" || !isRootName(tname))) return false;
  if ((type === null) === (tname === null)) return false;
  return value.assoc === undefined || Number.isSafeInteger(value.assoc);
}

/** Whether a value is a caret: `{ anchor, head }`, both relative positions, nothing else. */
export function isCaret(value: unknown, isRootName?: (name: string) => boolean): value is Caret {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && "anchor" in value && "head" in value && isRelativePositionJson(value.anchor, isRootName) && isRelativePositionJson(value.head, isRootName);
}

/** Whether a value is a user as the server sets it (or as the browser announces itself). */
export function isPresenceUser(value: unknown): value is PresenceUser {
  if (!isPlainObject(value)) return false;
  const { key, name, role, color } = value;
  return (
    (key === undefined || (typeof key === "string" && PRESENCE_KEY.test(key))) &&
    typeof name === "string" &&
    name.length > 0 &&
    name.length <= MAX_NAME_CHARS &&
    planRoles.includes(role as PlanRole) &&
    typeof color === "string" &&
    /^#[0-9a-fA-F]{6}$/.test(color)
  );
}

export type ClientPresenceResult =
  | { ok: true; state: { cursor: Caret | null } | null }
  | { ok: false; error: "tooLarge" | "malformed" };

/**
 * Reads an awareness state as a client sent it (JSON text), for the server. `null` means the
 * client left. A state is an object whose `cursor` is absent, null or a caret; its `user` is
 * ignored (the server sets it from the session) and other fields are dropped. Anything else, or
 * more than MAX_PRESENCE_STATE_CHARS, is refused.
 */
export function readClientPresence(json: string, isRootName?: (name: string) => boolean): ClientPresenceResult {
  if (json.length > MAX_PRESENCE_STATE_CHARS) return { ok: false, error: "tooLarge" };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, error: "malformed" };
  }
  if (value === null) return { ok: true, state: null };
  if (!isPlainObject(value)) return { ok: false, error: "malformed" };
  if (value.user !== undefined && !isPlainObject(value.user)) return { ok: false, error: "malformed" };
  const cursor = value.cursor ?? null;
  if (cursor !== null && !isCaret(cursor, isRootName)) return { ok: false, error: "malformed" };
  return { ok: true, state: { cursor } };
}

/**
 * A peer's awareness state as the browser may use it, or null to leave the peer out: a user of
 * the right shape, and a caret only when it is one (a bad caret is dropped, the person still
 * shown). Fields the app does not use are not copied. Every peer's state goes through here
 * before an editor or the presence list sees it, whatever the server relayed.
 */
export function readPeerPresence(value: unknown, isRootName?: (name: string) => boolean): PresenceState | null {
  if (!isPlainObject(value) || !isPresenceUser(value.user)) return null;
  const { key, name, role, color } = value.user;
  const user: PresenceUser = key === undefined ? { name, role, color } : { key, name, role, color };
  return { user, cursor: isCaret(value.cursor, isRootName) ? value.cursor : null };
}
