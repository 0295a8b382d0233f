import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface TestServer {
  url: string;
  port: number;
  databasePath: string;
  /** Lines the server logged (JSON), for assertions about logging. */
  logs: string[];
  /** The server process's id (benchmarks read its CPU time and memory from /proc). */
  readonly pid: number;
  /** Graceful stop (SIGTERM), as in production. */
  stop(): Promise<void>;
  /** Hard stop (SIGKILL), as in a crash. */
  kill(): Promise<void>;
  /** Stops gracefully and starts again on the same port and database (clients may reconnect). */
  restart(): Promise<void>;
  /** Removes the temporary database folder (after stop). */
  cleanup(): void;
}

/** Servers still running; one "exit" listener for all of them (not one per server started). */
const runningServers = new Set<ChildProcess>();
let exitHooked = false;

/** A test run or benchmark that ends early (a thrown error, process.exit) takes its servers with it. */
function killWithThisProcess(child: ChildProcess): void {
  if (!exitHooked) {
    process.once("exit", killRunningServers);
    exitHooked = true;
  }
  runningServers.add(child);
  child.once("exit", () => runningServers.delete(child));
}

function killRunningServers(): void {
  for (const child of runningServers) child.kill("SIGKILL");
}

/**
 * Starts the real server (the built Remix app + our Node server) in a child process on port 0
 * with a fresh SQLite file, and resolves once it logs that it is listening.
 */
export async function startTestServer(
  options: { databasePath?: string; env?: Record<string, string>; port?: number; nodeArgs?: string[] } = {},
): Promise<TestServer> {
  const folder = options.databasePath ? null : mkdtempSync(join(tmpdir(), "iup-test-"));
  const databasePath = options.databasePath ?? join(folder!, "app.sqlite");
  const logs: string[] = [];
  let running = await spawnServer(databasePath, options.port ?? 0, options.env ?? {}, logs, options.nodeArgs ?? []);

  const exited = (proc: ChildProcess) =>
    new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once("exit", () => resolve())));

  const server: TestServer = {
    url: `http://127.0.0.1:${running.port}`,
    port: running.port,
    databasePath,
    logs,
    get pid() {
      return running.child.pid!;
    },
    async stop() {
      running.child.kill("SIGTERM");
      await exited(running.child);
    },
    async kill() {
      running.child.kill("SIGKILL");
      await exited(running.child);
    },
    async restart() {
      await server.stop();
      running = await spawnServer(databasePath, server.port, options.env ?? {}, logs, options.nodeArgs ?? []);
    },
    cleanup() {
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
  return server;
}

async function spawnServer(databasePath: string, port: number, env: Record<string, string>, logs: string[], nodeArgs: string[]) {
  // The server as it ships: the bundle `npm run build` makes (see package.json "build:server").
  if (!existsSync(join(projectRoot, "dist/server.mjs"))) throw new Error("dist/server.mjs is missing: run `npm run build` first");
  // A start that hangs is asked for Node's diagnostic report (its stacks) before it is given up.
  const reportFolder = mkdtempSync(join(tmpdir(), "iup-report-"));
  const child = spawn(process.execPath, ["--report-on-signal", `--report-directory=${reportFolder}`, ...nodeArgs, "dist/server.mjs"], {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: databasePath,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  killWithThisProcess(child);

  const boundPort = await new Promise<number>((resolve, reject) => {
    let buffer = "";
    let hanging = false;
    const timer = setTimeout(() => {
      hanging = true;
      void whereItHangs(child, reportFolder).then((where) =>
        reject(new Error(`server did not start in time: ${stderr}\nlast lines: ${logs.slice(-5).join("\n")}${buffer}\n${where}`)),
      );
    }, 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        logs.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === "listening" && entry.port) {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // not a log line
        }
      }
    });
    // "close", not "exit": by then everything the process wrote has been read.
    child.once("close", (code) => {
      clearTimeout(timer);
      rmSync(reportFolder, { recursive: true, force: true });
      if (hanging) return;
      // A refused start says why in its last log line (stdout, JSON) rather than on stderr.
      reject(new Error(`server exited with ${code}: ${stderr}${logs.slice(-3).join("\n")}${buffer}`));
    });
  });
  rmSync(reportFolder, { recursive: true, force: true });
  return { child, port: boundPort };
}

/**
 * What a server that does not come up is doing: the state of each of its threads (Linux) and, if
 * its main thread still takes signals, the JavaScript and native stacks from Node's report.
 */
async function whereItHangs(child: ChildProcess, reportFolder: string): Promise<string> {
  const lines: string[] = [];
  const tasks = `/proc/${child.pid}/task`;
  if (existsSync(tasks)) {
    for (const task of readdirSync(tasks)) {
      try {
        const stat = readFileSync(`${tasks}/${task}/stat`, "utf8");
        const wchan = readFileSync(`${tasks}/${task}/wchan`, "utf8");
        lines.push(`thread ${stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))}: ${stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3)} ${wchan}`);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  child.kill("SIGUSR2");
  for (let waited = 0; waited < 3_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const report = readdirSync(reportFolder).find((name) => name.endsWith(".json"));
    if (!report) continue;
    try {
      const parsed = JSON.parse(readFileSync(join(reportFolder, report), "utf8")) as {
        javascriptStack?: { message?: string; stack?: string[] };
        nativeStack?: Array<{ symbol?: string }>;
        libuv?: Array<{ type?: string; is_active?: boolean }>;
      };
      // What the event loop still waits for (a "work" request is a job on libuv's thread pool).
      const waitingFor = (parsed.libuv ?? []).filter((handle) => handle.is_active).map((handle) => handle.type);
      lines.push(`event loop waits for: ${waitingFor.join(", ")}`);
      lines.push(`javascript: ${parsed.javascriptStack?.message ?? ""}\n  ${(parsed.javascriptStack?.stack ?? []).join("\n  ")}`);
      lines.push(`native: ${(parsed.nativeStack ?? []).map((frame) => frame.symbol).join(" < ")}`);
      break;
    } catch {
      // still being written
    }
  }
  if (!lines.some((line) => line.startsWith("javascript"))) lines.push("no report: the main thread did not answer SIGUSR2 within 3 s (busy or blocked)");
  child.kill("SIGKILL");
  rmSync(reportFolder, { recursive: true, force: true });
  return lines.join("\n");
}
