import * as Y from "yjs";
import { isSectionMarkValue, isSectionNodeAttribute, sectionBlockNodes, sectionNodes } from "../../app/shared/collab-protocol";
import { ProtocolError } from "./errors";

/*
 * What an incoming Yjs update may contain, decided before anything of it is applied. Both checks
 * decode the update (Y.decodeUpdate), so a malformed one is refused whole instead of being
 * applied in part. Writers' updates are checked for what they add and where (`fitsThePlan`: a
 * keystroke is one struct and one lookup); readers' and locked plans' for any change at all
 * (`changesDocument`), which are rare (a sync reply when they connect).
 */

function decode(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(update);
  } catch {
    throw new ProtocolError("malformed update");
  }
}

/** Where a struct lands: what its parent is. */
type Place =
  | { kind: "section"; name: string }
  | { kind: "element"; nodeName: string }
  | { kind: "text" }
  | { kind: "other" }
  /** Its parent or neighbour is deleted and collected (Yjs discards it), or never reached the
   * server (the update stays pending, which the caller refuses). */
  | { kind: "nowhere" };

/** Structs one chain of neighbours may pass through before the update counts as malformed. */
const MAX_CHAIN = 100_000;

function placeOfType(type: Y.AbstractType<unknown>, isSection: (name: string) => boolean): Place {
  if (type._item === null) {
    const name = Y.findRootTypeKey(type);
    return isSection(name) ? { kind: "section", name } : { kind: "other" };
  }
  return placeOfNested(type);
}

/** A type inside another (for a type decoded from the update, `_item` is not set yet). */
function placeOfNested(type: Y.AbstractType<unknown>): Place {
  if (type instanceof Y.XmlElement) return { kind: "element", nodeName: type.nodeName };
  if (type instanceof Y.XmlText) return { kind: "text" };
  return { kind: "other" };
}

/**
 * Whether an update adds only what the editors can show, where they show it: in one of the plan's
 * sections (root Y.XmlFragments named by `isSection`) block nodes at the top, the schema's nodes
 * (with the attributes they have) inside them, text with the schema's marks inside text — as
 * y-tiptap writes it. Anything else (a root type of another name, a key on a section, a node,
 * attribute, mark, mark value or kind of content the editors do not have) is refused whole: an
 * editor deletes what it cannot draw, a reader's editor would thereby "write", and what no editor
 * showed must not end up in the signed record.
 *
 * Each struct is placed through its parent, or through its left or right neighbour (Yjs omits the
 * parent then), found in the document (a binary search) or in the update itself. A keystroke is
 * one struct and one search.
 */
export function fitsThePlan(update: Uint8Array, doc: Y.Doc, isSection: (name: string) => boolean): boolean {
  const { structs } = decode(update);
  const store = doc.store;
  let local: Map<number, Y.Item[]> | null = null;
  const inUpdate = (id: Y.ID): Y.Item | null => {
    if (!local) {
      local = new Map();
      for (const struct of structs) {
        if (!(struct instanceof Y.Item)) continue;
        const list = local.get(struct.id.client);
        if (list) list.push(struct);
        else local.set(struct.id.client, [struct]);
      }
    }
    return local.get(id.client)?.find((item) => item.id.clock <= id.clock && id.clock < item.id.clock + item.length) ?? null;
  };
  /** The document's struct holding `id`: an item, or null for collected or unknown ones. */
  const inDocument = (id: Y.ID): Y.Item | null | undefined => {
    if (id.clock >= Y.getState(store, id.client)) return undefined;
    const struct = Y.getItem(store, id);
    return struct instanceof Y.Item ? struct : null;
  };
  const placeOf = (start: Y.Item): Place => {
    let item = start;
    for (let step = 0; step < MAX_CHAIN; step++) {
      const parent = item.parent as string | Y.ID | null;
      if (typeof parent === "string") return isSection(parent) ? { kind: "section", name: parent } : { kind: "other" };
      if (parent !== null) {
        // The parent is a type made by an item: its content says which.
        const known = inDocument(parent);
        if (known) return known.content instanceof Y.ContentType ? placeOfType(known.content.type, isSection) : { kind: "other" };
        if (known === null) return { kind: "nowhere" };
        const fresh = inUpdate(parent);
        if (!fresh) return { kind: "nowhere" };
        return fresh.content instanceof Y.ContentType ? placeOfNested(fresh.content.type) : { kind: "other" };
      }
      // No parent written: it is the parent of its left (or right) neighbour.
      const neighbour = item.origin ?? item.rightOrigin;
      if (!neighbour) return { kind: "other" };
      const known = inDocument(neighbour);
      if (known) return known.parent instanceof Y.AbstractType ? placeOfType(known.parent, isSection) : { kind: "nowhere" };
      if (known === null) return { kind: "nowhere" };
      const fresh = inUpdate(neighbour);
      if (!fresh || fresh === item) return { kind: "nowhere" };
      item = fresh;
    }
    return { kind: "other" };
  };

  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const { content } = struct;
    if (content instanceof Y.ContentDeleted) {
      // A placeholder of something deleted draws nothing, but applying it creates its root type.
      if (typeof struct.parent === "string" && !isSection(struct.parent)) return false;
      continue;
    }
    const place = placeOf(struct);
    switch (place.kind) {
      case "nowhere":
        continue;
      case "other":
        return false;
      case "section":
        if (struct.parentSub !== null || !(content instanceof Y.ContentType)) return false;
        if (!(content.type instanceof Y.XmlElement) || !sectionBlockNodes.includes(content.type.nodeName)) return false;
        continue;
      case "element":
        if (!sectionNodes.includes(place.nodeName)) return false;
        // An attribute of the node (as orderedList's start), or a child node or text run.
        if (struct.parentSub !== null) {
          if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) return false;
          if (!isSectionNodeAttribute(place.nodeName, struct.parentSub, content.arr[0])) return false;
        } else if (!(content instanceof Y.ContentType) || !(content.type instanceof Y.XmlText || (content.type instanceof Y.XmlElement && sectionNodes.includes(content.type.nodeName)))) {
          return false;
        }
        continue;
      case "text":
        if (struct.parentSub !== null) return false;
        if (content instanceof Y.ContentString) continue;
        if (content instanceof Y.ContentFormat && isSectionMarkValue(content.key, content.value)) continue;
        return false;
    }
  }
  return true;
}

/**
 * Whether applying an update would change the document: structs it does not hold yet, or
 * deletions of anything it holds undeleted or does not hold at all. A reader's ordinary sync
 * reply repeats deletions the document already has, which is no change.
 */
export function changesDocument(update: Uint8Array, doc: Y.Doc): boolean {
  const { structs, ds } = decode(update);
  const store = doc.store;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    if (struct.id.clock + struct.length > Y.getState(store, struct.id.client)) return true;
  }
  for (const [client, ranges] of ds.clients) {
    const known = Y.getState(store, client);
    const held = store.clients.get(client);
    for (const { clock, len } of ranges) {
      if (len === 0) continue;
      if (clock + len > known || !held) return true;
      let index = Y.findIndexSS(held, clock);
      for (let next = clock; next < clock + len; index++) {
        const struct = held[index]!;
        if (!struct.deleted) return true;
        next = struct.id.clock + struct.length;
      }
    }
  }
  return false;
}
