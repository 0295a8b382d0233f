import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Ss12000Data } from "../../app/services/roster-import/ss12000-model";

/**
 * A stand-in for a school's administration system in tests: a small HTTP server of ours that
 * answers the SS12000 endpoints the import reads, in the standard's shape — lists as
 * `{ data, pageToken }`, `limit` for the page size, an opaque `pageToken` that may not be combined
 * with other filters — behind a bearer token, optionally issued by an OAuth2 client-credentials
 * token endpoint. It logs every request so a test can see how it was read.
 */
export interface Ss12000StandIn {
  url: string;
  /** Every request: method, path, query and whether its token was accepted. */
  requests: Array<{ method: string; path: string; query: Record<string, string>; authorized: boolean }>;
  tokensIssued: number;
  close(): Promise<void>;
}

export async function startSs12000StandIn(
  data: Ss12000Data,
  options: { token?: string; client?: { id: string; secret: string }; defaultPageSize?: number } = {},
): Promise<Ss12000StandIn> {
  const issued = new Set<string>(options.token ? [options.token] : []);
  const state: Ss12000StandIn = { url: "", requests: [], tokensIssued: 0, close: async () => {} };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => resolve(body));
    });

  /** One page of a list; the token carries the query and the offset (opaque to the client). */
  const page = (res: ServerResponse, query: Record<string, string>, list: (query: Record<string, string>) => unknown[]) => {
    if (query.pageToken && Object.keys(query).some((k) => k !== "pageToken" && k !== "limit")) {
      return json(res, 400, { code: "invalid_filter", message: "pageToken cannot be combined with other filters" });
    }
    let filters = query;
    let offset = 0;
    if (query.pageToken) {
      try {
        ({ filters, offset } = JSON.parse(Buffer.from(query.pageToken, "base64url").toString()) as { filters: Record<string, string>; offset: number });
      } catch {
        return json(res, 400, { code: "invalid_page_token", message: "pageToken is not valid" });
      }
    }
    const items = list(filters);
    const limit = Number(query.limit ?? options.defaultPageSize ?? 100);
    const next = offset + limit;
    json(res, 200, {
      data: items.slice(offset, next),
      pageToken: next < items.length ? Buffer.from(JSON.stringify({ filters, offset: next })).toString("base64url") : null,
    });
  };

  const enroledAt = (unit: string) => data.persons.filter((p) => p.enrolments?.some((e) => e.enroledAt.id === unit));
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const query = Object.fromEntries(url.searchParams.entries());
    const path = url.pathname;
    if (req.method === "POST" && path === "/token") {
      const body = new URLSearchParams(await readBody(req));
      const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
      state.requests.push({ method: "POST", path, query: Object.fromEntries(body.entries()), authorized: false });
      if (!options.client || body.get("grant_type") !== "client_credentials" || basic !== `${options.client.id}:${options.client.secret}`) {
        return json(res, 401, { error: "invalid_client" });
      }
      const token = `issued-${++state.tokensIssued}`;
      issued.add(token);
      return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
    }
    const authorized = issued.has((req.headers.authorization ?? "").replace(/^Bearer /, ""));
    state.requests.push({ method: req.method ?? "GET", path, query, authorized });
    if (!authorized) return json(res, 401, { code: "unauthorized", message: "a valid bearer token is needed" });

    const byId = /^\/organisations\/([^/]+)$/.exec(path);
    if (byId) {
      const organisation = data.organisations.find((o) => o.id === decodeURIComponent(byId[1]!));
      return organisation ? json(res, 200, organisation) : json(res, 404, { code: "not_found" });
    }
    if (req.method === "POST" && path === "/syllabuses/lookup") {
      const ids = new Set((JSON.parse(await readBody(req)) as { ids: string[] }).ids);
      return json(res, 200, data.syllabuses.filter((s) => ids.has(s.id)));
    }
    switch (path) {
      case "/persons":
        return page(res, query, (q) => {
          const unit = q["relationship.organisation"]!;
          if (q["relationship.entity.type"] === "enrolment") return enroledAt(unit);
          if (q["relationship.entity.type"] === "duty") {
            const ids = new Set(data.duties.filter((d) => d.dutyAt.id === unit).map((d) => d.person?.id));
            return data.persons.filter((p) => ids.has(p.id));
          }
          if (q["relationship.entity.type"] === "responsibleFor.enrolment") {
            const ids = new Set(enroledAt(unit).flatMap((p) => (p.responsibles ?? []).map((r) => r.person.id)));
            return data.persons.filter((p) => ids.has(p.id));
          }
          return [];
        });
      case "/groups":
        return page(res, query, (q) => data.groups.filter((g) => g.organisation.id === q.organisation));
      case "/duties":
        return page(res, query, (q) => data.duties.filter((d) => d.dutyAt.id === q.organisation));
      case "/activities":
        return page(res, query, (q) => data.activities.filter((a) => a.organisation.id === q.organisation));
      default:
        return json(res, 404, { code: "not_found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
