import type { RosterProblem } from "./roster";
import { addObjects } from "./ss12000-files.server";
import { emptyData, type CollectionName, type Ss12000Data } from "./ss12000-model";

/** How to reach a school's SS12000 API (from the environment, see server/env.ts and the README). */
export interface Ss12000Connection {
  baseUrl: string;
  /** A bearer token as issued; or the OAuth2 client credentials below. */
  token: string | null;
  oauth: { tokenUrl: string; clientId: string; clientSecret: string; scope: string | null } | null;
  /** The `limit` asked for per page (the server may send fewer). */
  pageSize: number;
  /** Per request. */
  timeoutMs: number;
}

export class Ss12000FetchError extends Error {
  constructor(
    /** Key under `import.problems.` */
    readonly problem: "apiUnreachable" | "apiRefused" | "apiAnswer",
    readonly detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

/** Pages followed at most per query: a server that keeps handing out tokens is not followed for ever. */
const MAX_PAGES = 10_000;

/**
 * Reads one school unit's roster data from an SS12000 API: the unit (and its owner), persons
 * enrolled there, with a duty there and the enrolled pupils' responsibles, its groups (with
 * assignment roles), duties and activities, and the syllabuses the activities name. Lists are
 * read page by page: `limit` on the first request, then only `pageToken` (and `limit`) as long
 * as the server returns one — the standard does not let a token be combined with other filters.
 */
export async function fetchSs12000(connection: Ss12000Connection, schoolUnitId: string): Promise<{ data: Ss12000Data; problems: RosterProblem[]; requests: number }> {
  const client = new Client(connection);
  const data = emptyData();
  const problems: RosterProblem[] = [];
  const unit = await client.get(`organisations/${encodeURIComponent(schoolUnitId)}`);
  addObjects(data, "organisations", [unit], "organisations", problems);
  const parentId = (unit as { parentOrganisation?: { id?: string } } | null)?.parentOrganisation?.id;
  if (parentId) addObjects(data, "organisations", [await client.get(`organisations/${encodeURIComponent(parentId)}`)], "organisations", problems);

  const list = async (collection: CollectionName, path: string, query: Record<string, string>) =>
    addObjects(data, collection, await client.list(path, query), collection, problems);
  for (const relation of ["enrolment", "duty", "responsibleFor.enrolment"]) {
    await list("persons", "persons", { "relationship.organisation": schoolUnitId, "relationship.entity.type": relation });
  }
  // A person can come back in more than one of the lists above.
  data.persons = [...new Map(data.persons.map((p) => [p.id, p])).values()];
  await list("groups", "groups", { organisation: schoolUnitId, expand: "assignmentRoles" });
  await list("duties", "duties", { organisation: schoolUnitId });
  await list("activities", "activities", { organisation: schoolUnitId });
  const syllabusIds = [...new Set(data.activities.flatMap((a) => (a.syllabus ? [a.syllabus.id] : [])))];
  for (let i = 0; i < syllabusIds.length; i += 100) {
    const found = await client.post("syllabuses/lookup", { ids: syllabusIds.slice(i, i + 100) });
    addObjects(data, "syllabuses", Array.isArray(found) ? found : [], "syllabuses", problems);
  }
  return { data, problems, requests: client.requests };
}

class Client {
  private bearer: string | null;
  requests = 0;

  constructor(private readonly connection: Ss12000Connection) {
    this.bearer = connection.token;
  }

  async get(path: string, query: Record<string, string> = {}): Promise<unknown> {
    const url = new URL(path, this.connection.baseUrl.endsWith("/") ? this.connection.baseUrl : `${this.connection.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return this.send(url, { method: "GET" });
  }

  async post(path: string, body: unknown): Promise<unknown> {
    const url = new URL(path, this.connection.baseUrl.endsWith("/") ? this.connection.baseUrl : `${this.connection.baseUrl}/`);
    return this.send(url, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  }

  /** Every object of a list, following `pageToken` until the server sends none. */
  async list(path: string, query: Record<string, string>): Promise<unknown[]> {
    const items: unknown[] = [];
    const limit = String(this.connection.pageSize);
    let page = (await this.get(path, { ...query, limit })) as { data?: unknown; pageToken?: unknown };
    for (let pages = 1; ; pages++) {
      if (!page || typeof page !== "object" || !Array.isArray(page.data)) throw new Ss12000FetchError("apiAnswer", `${path}: no data list`);
      items.push(...page.data);
      if (typeof page.pageToken !== "string" || page.pageToken === "") return items;
      if (pages >= MAX_PAGES) throw new Ss12000FetchError("apiAnswer", `${path}: more than ${MAX_PAGES} pages`);
      page = (await this.get(path, { pageToken: page.pageToken, limit })) as typeof page;
    }
  }

  private async send(url: URL, init: RequestInit, retried = false): Promise<unknown> {
    const token = await this.token();
    this.requests++;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { Accept: "application/json", Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.timeout(this.connection.timeoutMs),
      });
    } catch (error) {
      throw new Ss12000FetchError("apiUnreachable", error instanceof Error ? error.message : "fetch failed");
    }
    // An expired token from the client-credentials flow is fetched again once.
    if (response.status === 401 && this.connection.oauth && !retried) {
      await response.body?.cancel();
      this.bearer = null;
      return this.send(url, init, true);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new Ss12000FetchError("apiRefused", `${url.pathname}: ${response.status}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Ss12000FetchError("apiAnswer", `${url.pathname}: ${response.status}`);
    }
    try {
      return await response.json();
    } catch {
      throw new Ss12000FetchError("apiAnswer", `${url.pathname}: not JSON`);
    }
  }

  /** The bearer token: as configured, or fetched with the OAuth2 client-credentials grant (RFC 6749 §4.4). */
  private async token(): Promise<string> {
    if (this.bearer) return this.bearer;
    const oauth = this.connection.oauth;
    if (!oauth) throw new Ss12000FetchError("apiRefused", "no token configured");
    const body = new URLSearchParams({ grant_type: "client_credentials", ...(oauth.scope ? { scope: oauth.scope } : {}) });
    let response: Response;
    try {
      response = await fetch(oauth.tokenUrl, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
          Authorization: `Basic ${Buffer.from(`${encodeURIComponent(oauth.clientId)}:${encodeURIComponent(oauth.clientSecret)}`).toString("base64")}`,
        },
        body,
        signal: AbortSignal.timeout(this.connection.timeoutMs),
      });
    } catch (error) {
      throw new Ss12000FetchError("apiUnreachable", error instanceof Error ? error.message : "token request failed");
    }
    const answer = (await response.json().catch(() => null)) as { access_token?: unknown } | null;
    if (!response.ok || typeof answer?.access_token !== "string") throw new Ss12000FetchError("apiRefused", `token endpoint: ${response.status}`);
    this.bearer = answer.access_token;
    return this.bearer;
  }
}
