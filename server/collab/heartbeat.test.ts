import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Heartbeat } from "./heartbeat";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Heartbeat (real sockets)", () => {
  let server: WebSocketServer;
  let clients: WebSocket[] = [];
  let heartbeat: Heartbeat;

  async function start(count: number, slices: number) {
    server = new WebSocketServer({ port: 0 });
    await new Promise((resolve) => server.once("listening", resolve));
    // An hour-long interval: the test turns the wheel itself with tick().
    heartbeat = new Heartbeat(() => server.clients, 3_600_000, slices);
    server.on("connection", (socket) => heartbeat.track(socket));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    clients = await Promise.all(
      Array.from({ length: count }, () => {
        const client = new WebSocket(url);
        return new Promise<WebSocket>((resolve) => client.once("open", () => resolve(client)));
      }),
    );
    while (server.clients.size < count) await sleep(5);
  }

  afterEach(async () => {
    heartbeat.stop();
    for (const client of clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it("pings a slice of the sockets per tick, every socket once per round", async () => {
    await start(8, 4);
    const pinged = new Set<WebSocket>();
    for (const client of clients) client.on("ping", () => pinged.add(client));

    heartbeat.tick();
    await sleep(100);
    expect(pinged.size).toBe(2);

    for (let i = 0; i < 3; i++) heartbeat.tick();
    await sleep(100);
    expect(pinged.size).toBe(8);
  });

  it("drops a connection that stopped answering and keeps the ones that answer", async () => {
    await start(3, 1);
    // The far end vanished: it reads nothing more, so it never answers a ping.
    const vanished = clients[0]!;
    (vanished as unknown as { _socket: { pause(): void } })._socket.pause();
    const closedOnServer = new Promise((resolve) => [...server.clients].forEach((s) => s.once("close", resolve)));

    heartbeat.tick(); // ping everyone
    await sleep(100);
    heartbeat.tick(); // no pong from the vanished one: terminated
    await closedOnServer;
    await sleep(50);

    expect(server.clients.size).toBe(2);
    expect(clients.slice(1).every((c) => c.readyState === WebSocket.OPEN)).toBe(true);
  });

  it("does not count pongs nobody asked for: a client that stopped reading cannot keep itself alive", async () => {
    await start(2, 1);
    const deaf = clients[0]!;
    (deaf as unknown as { _socket: { pause(): void } })._socket.pause();
    const closedOnServer = new Promise((resolve) => [...server.clients].forEach((s) => s.once("close", resolve)));
    const unasked = setInterval(() => deaf.pong(), 10);
    try {
      heartbeat.tick(); // ping everyone; the deaf one never reads it, but keeps sending pongs
      await sleep(100);
      heartbeat.tick();
      await closedOnServer;
    } finally {
      clearInterval(unasked);
    }
    await sleep(50);

    expect(server.clients.size).toBe(1);
    expect(clients[1]!.readyState).toBe(WebSocket.OPEN);
  });
});
