import { randomBytes } from "node:crypto";
import type { WebSocket } from "ws";

/**
 * Drops connections whose other end vanished without a close (a phone that lost coverage): each
 * socket is pinged once per interval and terminated if it did not answer the previous ping. Only
 * a pong carrying that ping's random payload is an answer: a client that stops reading could
 * otherwise keep itself "alive" by sending pongs nobody asked for.
 *
 * The sockets are visited a slice at a time, not all at once: pinging a school's 2,000 sockets
 * in one turn of the event loop held every keystroke behind it for ~50 ms (seen in the
 * benchmark's server profile as the slowest deliveries of *peak*).
 */
export class Heartbeat {
  private readonly alive = new WeakSet<WebSocket>();
  /** The payload of each socket's unanswered ping. */
  private readonly awaited = new WeakMap<WebSocket, Buffer>();
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
    socket.on("pong", (data) => {
      const expected = this.awaited.get(socket);
      if (!expected || !expected.equals(data)) return;
      this.awaited.delete(socket);
      this.alive.add(socket);
    });
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
      const payload = randomBytes(8);
      this.awaited.set(socket, payload);
      socket.ping(payload);
    }
  }

  stop() {
    clearInterval(this.timer);
    this.round = [];
  }
}
