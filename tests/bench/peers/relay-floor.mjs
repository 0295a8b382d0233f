// The floor of the measurement, not a collaboration server: it keeps no document and forwards
// every message of a room to the room's other sockets untouched. Its latency is what the clients,
// the kernel and ws cost on this machine; no y-websocket server can be faster than it here.
// Answers each client's SyncStep1 with an empty SyncStep2, so y-websocket clients count as synced.
// Prints {"port": n} once listening.
import http from "node:http";
import { WebSocketServer } from "ws";

// [messageSync, messageYjsSyncStep2, length 2, an empty Yjs update (0 structs, 0 deletes)]
const EMPTY_SYNC_STEP_2 = Uint8Array.of(0, 1, 2, 0, 0);
const rooms = new Map();

const server = http.createServer((_req, res) => res.end("ok"));
const wss = new WebSocketServer({ noServer: true });
wss.on("connection", (socket, request) => {
  const name = request.url ?? "/";
  const room = rooms.get(name) ?? new Set();
  rooms.set(name, room);
  room.add(socket);
  socket.on("message", (data, isBinary) => {
    const bytes = data;
    if (bytes[0] === 0 && bytes[1] === 0) return socket.send(EMPTY_SYNC_STEP_2);
    for (const other of room) if (other !== socket && other.readyState === other.OPEN) other.send(bytes, { binary: isBinary });
  });
  socket.on("close", () => {
    room.delete(socket);
    if (room.size === 0) rooms.delete(name);
  });
});
server.on("upgrade", (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request)));
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => process.exit(0));
