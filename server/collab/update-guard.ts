import * as Y from "yjs";
import { ProtocolError } from "./errors";

/*
 * What an incoming Yjs update may contain, decided before anything of it is applied. Both checks
 * decode the update (Y.decodeUpdate), so a malformed one is refused whole instead of being
 * applied in part. Writers' updates take the cheap path (`touchesOnlySections`: a keystroke is one
 * struct); the thorough one (`changesDocument`) is for readers and locked plans, whose updates are
 * rare (a sync reply when they connect).
 */

function decode(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(update);
  } catch {
    throw new ProtocolError("malformed update");
  }
}

/**
 * Whether every struct an update adds at the top of the document lands in a section of the plan
 * (a root Y.XmlFragment named by `isSection`), as list content. Structs below the top reach their
 * root through items the document or the update already has, whose roots were checked the same
 * way when they arrived; deletions only remove what is there.
 */
export function touchesOnlySections(update: Uint8Array, isSection: (name: string) => boolean): boolean {
  for (const struct of decode(update).structs) {
    if (!(struct instanceof Y.Item) || typeof struct.parent !== "string") continue;
    // A key (parentSub) would make the root a map: not a section's content.
    if (!isSection(struct.parent) || struct.parentSub !== null) return false;
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
