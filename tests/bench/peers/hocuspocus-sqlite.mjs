// Hocuspocus v4 with its SQLite extension (the documents stored in a SQLite file), no auth.
// Prints {"port": n} once listening.
import { Server } from "@hocuspocus/server";
import { SQLite } from "@hocuspocus/extension-sqlite";

const database = process.argv[2];
const server = new Server({ port: 0, address: "127.0.0.1", quiet: true, extensions: [new SQLite({ database })] });
await server.listen();
console.log(JSON.stringify({ port: server.address.port }));
process.on("SIGTERM", async () => {
  await server.destroy();
  process.exit(0);
});
