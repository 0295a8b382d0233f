import { createServer, type Server } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import express from "express";
import { openDatabase, type AppDatabase } from "../db/client";
import { createDatabaseSessionStorage, deleteExpiredSessions } from "../db/queries/sessions";
import { getOrCreateServerSecret } from "../db/queries/secrets";
import { seedDemoSchool } from "../db/seed/demo-school";
import { linkTalksToPlans } from "../app/services/talk-days.server";
import { guestPlanRights } from "../app/services/talk-guests.server";
import { MailScheduler } from "../app/services/mail-scheduler.server";
import { createGuestCookie } from "../app/utils/guest-cookie.server";
import { startWalCheckpointer } from "../db/wal-checkpointer";
import { COLLAB_PATH, CollaborationServer } from "./collab";
import { PersonEvents, PlanEvents } from "./plan-events";
import type { Env } from "./env";
import type { Logger } from "./logger";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface AppServer {
  server: Server;
  db: AppDatabase;
  /** The port actually bound (useful with PORT=0). */
  port: number;
  collaboration: CollaborationServer;
  close(): Promise<void>;
}

/** Opens the database, seeds the demo school if asked, and serves the Remix app on one port. */
export async function startAppServer(env: Env, logger: Logger): Promise<AppServer> {
  const db = await openDatabase(env.DATABASE_PATH);
  const checkpointer =
    env.DATABASE_PATH === ":memory:"
      ? null
      : startWalCheckpointer(db, env.DATABASE_PATH, (code) => logger.error({ err: code }, "WAL checkpoint failed"));
  if (env.SEED_DEMO) {
    const started = Date.now();
    if (await seedDemoSchool(db)) logger.info({ ms: Date.now() - started }, "seeded the demo school");
  }
  const linked = linkTalksToPlans(db);
  if (linked > 0) logger.info({ talks: linked }, "linked talks to their plans");
  const sessionStorage = createDatabaseSessionStorage(db, {
    secret: env.SESSION_SECRET ?? getOrCreateServerSecret(db, "session-cookie"),
    secure: env.COOKIE_SECURE,
  });

  // A guest's link (an interpreter) is kept in a cookie of its own, never in the session.
  const guestCookie = createGuestCookie(env.COOKIE_SECURE);
  const collaboration = new CollaborationServer({
    db,
    sessionStorage,
    logger,
    guestRights: async (cookieHeader, planId) => guestPlanRights(db, await guestCookie.parse(cookieHeader ?? null), planId),
    unloadDelayMs: env.COLLAB_UNLOAD_MS,
    compactEvery: env.COLLAB_COMPACT_EVERY,
    maxPayloadBytes: env.COLLAB_MAX_PAYLOAD,
  });

  const planEvents = new PlanEvents();
  const personEvents = new PersonEvents();
  let boundPort = env.PORT;
  const mail = new MailScheduler({
    db,
    smtpUrl: env.SMTP_URL,
    from: env.MAIL_FROM,
    appUrl: () => env.APP_URL ?? `http://localhost:${boundPort}`,
    tickMs: env.MAIL_TICK_MS,
    retryBaseMs: env.MAIL_RETRY_BASE_MS,
    maxAttempts: env.MAIL_MAX_ATTEMPTS,
    onError: (error) => logger.error({ err: error instanceof Error ? error.message : "unknown" }, "mail scheduler round failed"),
  });

  // `remix build` is a production build; React, loaded first by it, picks its development or
  // production code from NODE_ENV once. NODE_ENV here says what kind of deployment this is (demo
  // seed, cookies: env.ts), not how to render, and React's development code made every page
  // render about twice as slow (prop validation, dev warnings) in `npm start` and in the tests.
  process.env.NODE_ENV = "production";
  const build = (await import(pathToFileURL(`${root}build/index.js`).href)) as ServerBuild;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings may carry what a person typed; a guest's link is a key.
      logger.info({ method: req.method, path: req.path.replace(/^\/guest\/[A-Za-z0-9_-]{20,}/, "/guest/:token"), status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });
  app.use("/build", express.static(`${root}public/build`, { immutable: true, maxAge: "1y" }));
  app.use(express.static(`${root}public`, { maxAge: "1h", index: false }));

  app.get("/healthz", (_req, res) => {
    let database = false;
    try {
      database = db.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : "unknown" }, "health check: database failed");
    }
    res.status(database ? 200 : 503).json({
      status: database ? "ok" : "degraded",
      database,
      collaboration: collaboration.stats(),
      planEventListeners: planEvents.listenerCount() + personEvents.listenerCount(),
      uptimeS: Math.round(process.uptime()),
    });
  });

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: env.NODE_ENV === "production" ? "production" : "development",
      getLoadContext: (req) => ({
        db,
        sessionStorage,
        guestCookie,
        collaboration,
        planEvents,
        personEvents,
        mail: { delivery: mail.delivery, wake: () => mail.wake(), appUrl: env.APP_URL ?? null },
        clientAddress: req.ip ?? "unknown",
      }),
    }),
  );

  const server = createServer(app);
  server.on("upgrade", (request, socket, head) => {
    if (request.url === COLLAB_PATH || request.url?.startsWith(`${COLLAB_PATH}/`)) {
      collaboration.handleUpgrade(request, socket, head);
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  boundPort = port;
  mail.start();

  const sweep = setInterval(() => deleteExpiredSessions(db), 60 * 60 * 1000);
  sweep.unref();

  return {
    server,
    db,
    port,
    collaboration,
    async close() {
      clearInterval(sweep);
      await mail.stop();
      collaboration.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await checkpointer?.stop();
      db.$client.close();
    },
  };
}
