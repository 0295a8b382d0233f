import { startAppServer } from "./app";
import { readEnv } from "./env";
import { createLogger } from "./logger";

const env = readEnv();
const logger = createLogger(env.LOG_LEVEL);

try {
  const app = await startAppServer(env, logger);
  logger.info({ port: app.port, env: env.NODE_ENV }, "listening");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await app.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, "could not start");
  process.exit(1);
}
