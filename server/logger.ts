import { pino } from "pino";

/**
 * Structured JSON logs. Never pass names, e-mail addresses, document content or request bodies:
 * these are children's personal data. Log ids, counts, durations and outcomes only.
 */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: "iup" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["*.email", "*.name", "*.password", "*.cookie", "req.headers"], remove: true },
  });
}

export type Logger = ReturnType<typeof createLogger>;
