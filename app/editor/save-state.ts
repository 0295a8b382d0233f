/**
 * Where this tab's own edits are, as a fact rather than a guess (see "Acknowledgements" in
 * server/collab/DOCUMENT-SHAPE.md):
 * - `server`: the server has acknowledged storing every change made here (or none was made);
 * - `device`: some are not acknowledged yet, but all of them are in this browser's store;
 * - `none`: some are neither (the browser's store is missing, failed, or has not committed yet).
 *
 * The server counts the sync replies and updates it receives on a socket and, after its commit,
 * sends the count it has stored. A change is covered by a message when it was sent in an update
 * right away, or — made while no socket was open, or sent on a socket that closed before the
 * acknowledgement — by the sync reply of a later socket (a sync reply carries everything the
 * server lacks). Pure bookkeeping: plan-connection.client.ts feeds it the events.
 */
export type SaveState = "server" | "device" | "none";

export class SaveTracker {
  /** Sync replies and updates sent on the current socket. */
  private sent = 0;
  /** The server's latest `Stored` count on the current socket. */
  private acked = 0;
  /** The count that must be acknowledged for every change sent on this socket to be stored. */
  private needed = 0;
  /** A change made just now, not yet seen leave in an update. */
  private justChanged = false;
  /** Changes only a sync reply on a (new) socket can carry to the server. */
  private unsent = false;
  /** Local changes so far, and how many of them the browser's store has committed. */
  private changeCount = 0;
  private onDevice = 0;
  private deviceUsable = false;
  private deviceFailed = false;

  /**
   * The browser's store is open (until then nothing is kept there). `unconfirmed`: it holds
   * changes an earlier page made that the server had not acknowledged; they leave in the next
   * sync reply.
   */
  deviceReady(unconfirmed: boolean) {
    this.deviceUsable = true;
    if (unconfirmed) this.unsent = true;
  }

  /** How many changes were made here so far. */
  get changes(): number {
    return this.changeCount;
  }

  /** A change made in this tab (before the provider sends it: the listener runs first). */
  changed(): number {
    this.justChanged = true;
    return ++this.changeCount;
  }

  /** After the provider had its chance to send the change: if it did not, only a sync reply can. */
  afterChange() {
    if (!this.justChanged) return;
    this.justChanged = false;
    this.unsent = true;
  }

  /** A sync reply (`syncReply`) or an update left on the current socket. */
  wrote(kind: "syncReply" | "update") {
    this.sent += 1;
    if (kind === "syncReply") {
      // Everything the server lacks, including whatever was made before.
      if (this.justChanged || this.unsent) this.needed = this.sent;
      this.unsent = false;
      this.justChanged = false;
    } else if (this.justChanged) {
      this.needed = this.sent;
      this.justChanged = false;
    }
  }

  /** The server stored the socket's first `count` sync replies and updates. */
  acknowledged(count: number) {
    this.acked = Math.max(this.acked, count);
  }

  /** A socket opened: its counts start from zero. */
  opened() {
    this.lose();
    this.sent = 0;
    this.acked = 0;
    this.needed = 0;
  }

  /** The socket closed: what it sent but the server did not acknowledge goes again in the next sync reply. */
  closed() {
    this.lose();
  }

  private lose() {
    if (this.acked < this.needed) this.unsent = true;
    this.needed = 0;
  }

  /** The browser's store committed the first `change` changes. */
  storedOnDevice(change: number) {
    this.onDevice = Math.max(this.onDevice, change);
  }

  /** The browser's store was deleted (the plan was locked): nothing is kept there from now on. */
  deviceGone() {
    this.deviceUsable = false;
  }

  /** The browser's store failed (a full quota, say): from now on it cannot be counted on. */
  deviceFailedToStore() {
    this.deviceFailed = true;
  }

  /** Whether every change made here is stored on the server. */
  get onServer(): boolean {
    return !this.unsent && !this.justChanged && this.acked >= this.needed;
  }

  get state(): SaveState {
    if (this.onServer) return "server";
    return this.deviceUsable && !this.deviceFailed && this.onDevice >= this.changeCount ? "device" : "none";
  }
}
