import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { readPeerPresence } from "~/shared/collab-protocol";

type AwarenessListener = (...args: never[]) => void;

/**
 * The plan's awareness as the editors' carets and the presence list see it: our own state as it
 * is, and each peer's only after `readPeerPresence` (a user of the right shape, a caret only when
 * it is two valid Yjs positions, no other fields). Every byte a peer sends is hostile, including
 * what a server relays: a caret Yjs cannot resolve would otherwise break every editor of the page
 * (remote edits stop showing, and typing then deletes what they did not show).
 *
 * It answers the part of y-protocols' Awareness that y-tiptap's caret plugin and the collaboration
 * caret extension use. Its listener is the awareness's first (made with the connection, before
 * any editor), so the checked states are fresh before any editor hears of a change.
 */
export class CheckedAwareness {
  private checked: Map<number, unknown> | null = null;

  constructor(private readonly awareness: Awareness) {
    const invalidate = () => {
      this.checked = null;
    };
    awareness.on("change", invalidate);
    awareness.on("update", invalidate);
  }

  get clientID(): number {
    return this.awareness.clientID;
  }

  get doc(): Y.Doc {
    return this.awareness.doc;
  }

  get states(): Map<number, unknown> {
    return this.getStates();
  }

  getStates(): Map<number, unknown> {
    if (this.checked) return this.checked;
    const checked = new Map<number, unknown>();
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) {
        checked.set(clientId, state);
        continue;
      }
      const peer = readPeerPresence(state);
      if (peer) checked.set(clientId, peer);
    }
    this.checked = checked;
    return checked;
  }

  getLocalState(): Record<string, unknown> | null {
    return this.awareness.getLocalState();
  }

  setLocalState(state: Record<string, unknown> | null): void {
    this.awareness.setLocalState(state);
  }

  setLocalStateField(field: string, value: unknown): void {
    this.awareness.setLocalStateField(field, value);
  }

  on(event: "change" | "update", listener: AwarenessListener): void {
    this.awareness.on(event, listener as never);
  }

  off(event: "change" | "update", listener: AwarenessListener): void {
    this.awareness.off(event, listener as never);
  }
}

