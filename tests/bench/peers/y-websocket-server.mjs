// The stock y-websocket reference server (@y/websocket-server 0.1.1), in memory, no auth: the
// bare minimum a y-websocket server does. Prints {"port": n} once listening.
import http from "node:http";
import { WebSocketServer } from "ws";
import { setupWSConnection } from "@y/websocket-server/utils";

const server = http.createServer((_req, res) => res.end("ok"));
const wss = new WebSocketServer({ noServer: true });
wss.on("connection", setupWSConnection);
server.on("upgrade", (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request)));
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => process.exit(0));
