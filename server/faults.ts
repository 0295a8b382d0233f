import type { AppDatabase } from "../db/client";
import { crashPoints, type CrashPoint, type CrashPoints } from "../app/utils/crash-points";

export type DatabaseFault = "none" | "readOnly" | "full";

/**
 * Fault injection for tests (FAULT_INJECTION=true; refused in production, see env.ts): make the
 * database refuse writes as a read-only file or a full disk would, on the server's own
 * connection, and make the process die at a chosen step (app/utils/crash-points.ts). Reached through
 * POST /__faults (server/app.ts), only when enabled.
 */
export class Faults implements CrashPoints {
  private crashAt: CrashPoint | null = null;
  private readonly normalMaxPages: number;

  constructor(
    private readonly db: AppDatabase,
    readonly enabled: boolean,
  ) {
    this.normalMaxPages = Number(db.$client.pragma("max_page_count", { simple: true }));
  }

  reached(point: CrashPoint) {
    if (this.enabled && this.crashAt === point) process.kill(process.pid, "SIGKILL");
  }

  /** Applies `{ database?, crashAt? }`; false when it is not a fault this knows. */
  apply(request: unknown): boolean {
    if (!this.enabled || typeof request !== "object" || request === null) return false;
    const { database, crashAt } = request as { database?: unknown; crashAt?: unknown };
    if (database !== undefined && database !== "none" && database !== "readOnly" && database !== "full") return false;
    if (crashAt !== undefined && crashAt !== null && !crashPoints.includes(crashAt as CrashPoint)) return false;
    if (database !== undefined) this.setDatabase(database);
    if (crashAt !== undefined) this.crashAt = crashAt as CrashPoint | null;
    return true;
  }

  private setDatabase(fault: DatabaseFault) {
    const sqlite = this.db.$client;
    sqlite.pragma(`query_only = ${fault === "readOnly" ? "ON" : "OFF"}`);
    // Full: no page beyond those the file has now (what fits in them still goes in, as on a real disk).
    const pages = fault === "full" ? Number(sqlite.pragma("page_count", { simple: true })) : this.normalMaxPages;
    sqlite.pragma(`max_page_count = ${pages}`);
  }
}
