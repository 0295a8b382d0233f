import type { WebSocket } from "ws";

/**
 * Drops connections whose other end vanished without a close (a phone that lost coverage): each
 * socket is pinged once per interval and terminated if it did not answer the previous ping.
 *
 * The sockets are visited a slice at a time, not all at once: pinging a school's 2,000 sockets
 * in one turn of the event loop held every keystroke behind it for ~50 ms (seen in the
 * benchmark's server profile as the slowest deliveries of *peak*).
 */
export class Heartbeat {
  private readonly alive = new WeakSet<WebSocket>();
  private round: WebSocket[] = [];
  private next = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sockets: () => Iterable<WebSocket>,
    intervalMs: number,
    private readonly slices = 30,
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs / slices);
    this.timer.unref();
  }

  /** A new connection counts as alive until its first ping goes unanswered. */
  track(socket: WebSocket) {
    this.alive.add(socket);
    socket.on("pong", () => this.alive.add(socket));
  }

  /** Visits the next slice of this round's sockets (public for tests). */
  tick() {
    if (this.next >= this.round.length) {
      this.round = [...this.sockets()];
      this.next = 0;
    }
    const end = Math.min(this.round.length, this.next + Math.ceil(this.round.length / this.slices));
    for (; this.next < end; this.next++) {
      const socket = this.round[this.next]!;
      if (socket.readyState !== socket.OPEN) continue;
      if (!this.alive.has(socket)) {
        socket.terminate();
        continue;
      }
      this.alive.delete(socket);
      socket.ping();
    }
  }

  stop() {
    clearInterval(this.timer);
    this.round = [];
  }
}
