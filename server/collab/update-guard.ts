import * as Y from "yjs";
import { MAX_NODE_DEPTH, holdsSectionText, isSectionMarkValue, isSectionNodeAttribute, isSectionNodeChild, sectionBlockNodes } from "../../app/shared/collab-protocol";
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
  /** `depth`: how many nodes deep the element is, its section's top block being 1. */
  | { kind: "element"; nodeName: string; depth: number }
  | { kind: "text" }
  | { kind: "other" }
  /** Its parent or neighbour is deleted and collected (Yjs discards it), or never reached the
   * server (the update stays pending, which the caller refuses). */
  | { kind: "nowhere" };

const TEXT: Place = { kind: "text" };
const OTHER: Place = { kind: "other" };
const NOWHERE: Place = { kind: "nowhere" };

/** Structs one chain of neighbours and parents may pass through before the update counts as malformed. */
const MAX_CHAIN = 100_000;

/** The place of what lands in a type the document holds. */
function placeOfType(type: Y.AbstractType<unknown>, isSection: (name: string) => boolean): Place {
  if (type._item === null) {
    const name = Y.findRootTypeKey(type);
    return isSection(name) ? { kind: "section", name } : OTHER;
  }
  if (type instanceof Y.XmlText) return TEXT;
  if (!(type instanceof Y.XmlElement)) return OTHER;
  // Accepted content is at most MAX_NODE_DEPTH deep, so this walk is short.
  let depth = 0;
  for (let t = type as Y.AbstractType<unknown>; t._item !== null; t = t._item.parent as Y.AbstractType<unknown>) {
    if (t instanceof Y.XmlElement) depth++;
  }
  return { kind: "element", nodeName: type.nodeName, depth };
}

/** The place of what lands in a type the update itself adds (its `_item` is not set yet), given where that type lands. */
function placeInside(type: Y.AbstractType<unknown>, outer: Place): Place {
  if (outer.kind === "nowhere") return NOWHERE;
  // A type outside sections and elements is refused by its own check; what it holds is no better.
  if (outer.kind !== "section" && outer.kind !== "element") return OTHER;
  if (type instanceof Y.XmlText) return TEXT;
  if (!(type instanceof Y.XmlElement)) return OTHER;
  return { kind: "element", nodeName: type.nodeName, depth: outer.kind === "section" ? 1 : outer.depth + 1 };
}

/**
 * Whether an update adds only what the editors can show, where they show it: in one of the plan's
 * sections (root Y.XmlFragments named by `isSection`) block nodes at the top, in each node the
 * children the schema allows it (with the attributes they have) down to MAX_NODE_DEPTH, text with
 * the schema's marks inside text — as y-tiptap writes it. Anything else (a root type of another
 * name, a key on a section, a node, child, attribute, mark, mark value or kind of content the
 * editors do not have) is refused whole: an editor deletes what it cannot draw, a reader's editor
 * would thereby "write", and what no editor showed must not end up in the signed record.
 *
 * Each struct is placed through its parent, or through its left or right neighbour (Yjs omits the
 * parent then), found in the document (a binary search) or in the update itself — then placed the
 * same way, so a chain built across several updates has its full depth. A keystroke is one struct
 * and one search; places found in the update are remembered, so each struct is placed once.
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
    // A client's structs come in clock order: a binary search, so a crafted update of many
    // structs that each name another costs n log n, not n².
    const list = local.get(id.client);
    if (!list) return null;
    for (let low = 0, high = list.length - 1; low <= high; ) {
      const middle = (low + high) >>> 1;
      const item = list[middle]!;
      if (id.clock < item.id.clock) high = middle - 1;
      else if (id.clock >= item.id.clock + item.length) low = middle + 1;
      else return item;
    }
    return null;
  };
  /** The document's struct holding `id`: an item, or null for collected or unknown ones. */
  const inDocument = (id: Y.ID): Y.Item | null | undefined => {
    if (id.clock >= Y.getState(store, id.client)) return undefined;
    const struct = Y.getItem(store, id);
    return struct instanceof Y.Item ? struct : null;
  };
  const places = new Map<Y.Item, Place>();
  const placeOf = (start: Y.Item): Place => {
    // Walk to the first struct whose place is known, then back: each item on the way lands
    // inside the next (`into`, a type the update adds) or beside it. A loop, not recursion: a
    // chain in one update may be as long as the update.
    const path: Array<{ item: Y.Item; into: Y.Item | null }> = [];
    let item = start;
    let place: Place | undefined;
    for (let step = 0; place === undefined; step++) {
      const known = step < MAX_CHAIN ? places.get(item) : OTHER;
      if (known) {
        place = known;
        break;
      }
      const parent = item.parent as string | Y.ID | null;
      if (typeof parent === "string") {
        place = isSection(parent) ? { kind: "section", name: parent } : OTHER;
      } else if (parent !== null) {
        // The parent is a type made by an item: its content says which.
        const held = inDocument(parent);
        if (held) {
          // A deleted type's struct stays, emptied (ContentDeleted): Yjs drops what lands in it,
          // as what a writer offline wrote in a paragraph someone deleted meanwhile.
          if (held.content instanceof Y.ContentType) place = placeOfType(held.content.type, isSection);
          else place = held.content instanceof Y.ContentDeleted ? NOWHERE : OTHER;
        } else if (held === null) place = NOWHERE;
        else {
          const fresh = inUpdate(parent);
          if (!fresh || fresh === item) place = NOWHERE;
          else if (!(fresh.content instanceof Y.ContentType)) place = OTHER;
          else {
            path.push({ item, into: fresh });
            item = fresh;
          }
        }
      } else {
        // No parent written: it is the parent of its left (or right) neighbour.
        const neighbour = item.origin ?? item.rightOrigin;
        const held = neighbour ? inDocument(neighbour) : null;
        if (!neighbour) place = OTHER;
        else if (held) place = held.parent instanceof Y.AbstractType ? placeOfType(held.parent, isSection) : NOWHERE;
        else if (held === null) place = NOWHERE;
        else {
          const fresh = inUpdate(neighbour);
          if (!fresh || fresh === item) place = NOWHERE;
          else {
            path.push({ item, into: null });
            item = fresh;
          }
        }
      }
    }
    places.set(item, place);
    for (let index = path.length - 1; index >= 0; index--) {
      const { item: next, into } = path[index]!;
      if (into) place = placeInside((into.content as Y.ContentType).type, place);
      places.set(next, place);
    }
    return place;
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
        // An attribute of the node (as orderedList's start), or a child node or text run.
        if (struct.parentSub !== null) {
          if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) return false;
          if (!isSectionNodeAttribute(place.nodeName, struct.parentSub, content.arr[0])) return false;
          continue;
        }
        if (!(content instanceof Y.ContentType)) return false;
        if (content.type instanceof Y.XmlText) {
          if (!holdsSectionText(place.nodeName)) return false;
        } else if (content.type instanceof Y.XmlElement) {
          if (!isSectionNodeChild(place.nodeName, content.type.nodeName) || place.depth >= MAX_NODE_DEPTH) return false;
        } else {
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
