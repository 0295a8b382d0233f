import Database from "better-sqlite3";
import WebSocket from "ws";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { get, postForm, signIn } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const cookies: Record<string, string> = {};
let alvaPlanId = "";
const clients: PlanClient[] = [];

const METRICS_TOKEN = "collaboration-test-metrics-token-0123456789";
const env = { COLLAB_UNLOAD_MS: "200", COLLAB_COMPACT_EVERY: "100", COLLAB_MAX_PAYLOAD: "65536", METRICS_TOKEN };
/** The server's figures, as operators read them (with the configured token). */
const figures = async () =>
  (await (await fetch(`${server.url}/healthz`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).json()) as { collaboration: { documents: number } };

async function signInAll() {
  for (const [who, email] of Object.entries({
    alva: "elev@demo.test",
    guardian: "vh@demo.test",
    mentor: "mentor@demo.test",
    maths: "matte@demo.test",
    stranger: "annan.vh@demo.test",
  })) {
    cookies[who] = await signIn(server.url, email);
  }
}

beforeAll(async () => {
  server = await startTestServer({ env });
  await signInAll();
  const response = await get(`${server.url}/api/me/plans`, cookies.alva);
  const body = (await response.json()) as { plans: Array<{ planId: string }> };
  alvaPlanId = body.plans[0]!.planId;
});
const rawSockets: WebSocket[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const socket of rawSockets.splice(0)) socket.terminate();
});
afterAll(async () => {
  await server.stop();
  server.cleanup();
});

function open(who: keyof typeof cookies | null, planId = alvaPlanId) {
  const client = connectToPlan(server.url, planId, who ? cookies[who]! : null);
  clients.push(client);
  return client;
}

function storedRows(table: "plan_updates" | "plan_document_states"): number {
  const db = new Database(server.databasePath, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Opens a raw websocket and reports the HTTP status of a refused upgrade, or the messages received. */
function rawConnect(cookie: string | null, planId = alvaPlanId) {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/collab/${planId}`, {
    headers: cookie ? { Cookie: cookie } : {},
  });
  rawSockets.push(socket);
  const messages: Uint8Array[] = [];
  socket.on("message", (data) => messages.push(new Uint8Array(data as Buffer)));
  const outcome = new Promise<{ status?: number; open?: boolean }>((resolve) => {
    socket.on("unexpected-response", (_req, res) => resolve({ status: res.statusCode }));
    socket.on("open", () => resolve({ open: true }));
    socket.on("error", () => resolve({}));
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  return { socket, messages, outcome, closed };
}

describe("the plans API", () => {
  it("answers 401 without a session", async () => {
    const response = await get(`${server.url}/api/me/plans`);
    expect(response.status).toBe(401);
  });

  it("lists each person's plans with their access and status", async () => {
    const list = async (who: string) =>
      ((await (await get(`${server.url}/api/me/plans`, cookies[who])).json()) as {
        plans: Array<{ planId: string; pupilName: string; access: string; status: string; term: { kind: string } }>;
      }).plans;
    const alva = await list("alva");
    expect(alva).toEqual([expect.objectContaining({ planId: alvaPlanId, pupilName: "Alva Lindqvist", access: "edit", status: "draft" })]);
    const guardian = await list("guardian");
    expect(guardian.map((p) => [p.pupilName, p.access])).toEqual([
      ["Alva Lindqvist", "read"],
      ["Elis Lindqvist", "read"],
    ]);
    const mentor = await list("mentor");
    expect(mentor.find((p) => p.planId === alvaPlanId)?.access).toBe("edit");
    const maths = await list("maths");
    expect(maths.find((p) => p.planId === alvaPlanId)?.access).toBe("comment");
    expect((await list("stranger")).some((p) => p.planId === alvaPlanId)).toBe(false);
  });
});

describe("who may connect", () => {
  it("refuses no cookie, a forged cookie and another family's guardian before sending anything", async () => {
    for (const [cookie, status] of [
      [null, 401],
      ["__session=forged", 401],
      [cookies.stranger!, 404],
    ] as const) {
      const attempt = rawConnect(cookie);
      expect(await attempt.outcome).toEqual({ status });
      expect(attempt.messages).toEqual([]);
    }
  });

  it("answers an unknown plan like a forbidden one", async () => {
    const attempt = rawConnect(cookies.alva!, "no-such-plan");
    expect(await attempt.outcome).toEqual({ status: 404 });
  });
});

describe("editing together", () => {
  it("converges concurrent edits from three clients", async () => {
    const [a, b, c] = [open("alva"), open("mentor"), open("alva")];
    await Promise.all([a.synced(), b.synced(), c.synced()]);
    // Concurrent: all three write before any of them has heard from the others.
    typeInto(a.doc, "goals", "Alva skriver. ");
    typeInto(b.doc, "goals", "Jonas skriver. ");
    typeInto(c.doc, "goals", "Andra fliken. ");
    typeInto(a.doc, "about", "Jag gillar NO.");
    const parts = ["Alva skriver.", "Jonas skriver.", "Andra fliken."];
    await expect
      .poll(() => [a, b, c].every((x) => parts.every((part) => sectionText(x.doc, "goals").includes(part))))
      .toBe(true);
    expect(new Set([a, b, c].map((x) => sectionText(x.doc, "goals"))).size).toBe(1);
    await expect.poll(() => sectionText(b.doc, "about")).toBe("Jag gillar NO.");
  });

  it("shows readers each change and drops what a guardian's client sends anyway", async () => {
    const pupil = open("alva");
    const guardian = open("guardian");
    await Promise.all([pupil.synced(), guardian.synced()]);
    typeInto(pupil.doc, "pupilActions", "Jag ska plugga glosor.");
    await expect.poll(() => sectionText(guardian.doc, "pupilActions")).toBe("Jag ska plugga glosor.");

    // A modified client writes although it may only read.
    typeInto(guardian.doc, "pupilActions", " FÖRFALSKAT");
    await expect.poll(() => guardian.closeCodes).toContain(4403);
    expect(sectionText(pupil.doc, "pupilActions")).toBe("Jag ska plugga glosor.");

    // After everyone reconnects, nothing of it is anywhere.
    pupil.destroy();
    guardian.provider.disconnect();
    const fresh = open("mentor");
    await fresh.synced();
    expect(sectionText(fresh.doc, "pupilActions")).toBe("Jag ska plugga glosor.");
    const db = new Database(server.databasePath, { readonly: true });
    try {
      const blobs = db.prepare("select data from plan_updates union all select state from plan_document_states").all() as Array<{ data: Buffer }>;
      expect(blobs.some((row) => Buffer.from(Object.values(row)[0] as Buffer).includes("FÖRFALSKAT"))).toBe(false);
    } finally {
      db.close();
    }
  });

  it("takes a pupil's offline edits back although one was in a blank line the mentor deleted meanwhile", async () => {
    const pupil = open("alva");
    const mentor = open("mentor");
    await Promise.all([pupil.synced(), mentor.synced()]);
    const blankLine = () => mentor.doc.getXmlFragment("schoolActions").insert(0, [new Y.XmlElement("paragraph")]);
    mentor.doc.transact(blankLine);
    await expect.poll(() => pupil.doc.getXmlFragment("schoolActions").length).toBe(1);

    // Offline, she writes on the blank line and in another section.
    pupil.provider.disconnect();
    const line = pupil.doc.getXmlFragment("schoolActions").get(0) as Y.XmlElement;
    pupil.doc.transact(() => {
      const text = new Y.XmlText();
      line.insert(0, [text]);
      text.insert(0, "Hjälp med läxorna.");
    });
    typeInto(pupil.doc, "goals", " Läsa varje dag.");
    // Meanwhile the mentor removes the blank line, and the server collects it.
    mentor.doc.getXmlFragment("schoolActions").delete(0, 1);
    const watcher = open("mentor");
    await watcher.synced();
    await expect.poll(() => watcher.doc.getXmlFragment("schoolActions").length).toBe(0);

    // Back online: her sync reply is taken (before, refused whole: 4400, and every offline word with it).
    pupil.provider.connect();
    await expect.poll(() => sectionText(mentor.doc, "goals")).toContain("Läsa varje dag.");
    expect(pupil.closeCodes).not.toContain(4400);
    expect(sectionText(pupil.doc, "schoolActions")).toBe("");
    expect(sectionText(mentor.doc, "schoolActions")).toBe("");
  });

  it("takes a change typed the moment the socket opens, after offline edits it builds on (the stock client's is refused)", async () => {
    const mentor = open("mentor");
    await mentor.synced();
    /** Alva writes offline, comes back, and types on at once: before the sync exchange has run. */
    const typeThroughReconnect = (client: PlanClient, words: [offline: string, atOpen: string]) => {
      typeInto(client.doc, "guardianActions", words[0]);
      client.provider.on("status", ({ status }: { status: string }) => {
        if (status === "connected") typeInto(client.doc, "guardianActions", words[1]);
      });
      client.provider.connect();
    };
    const connectLater = (options: Parameters<typeof connectToPlan>[3]) => {
      const client = connectToPlan(server.url, alvaPlanId, cookies.alva!, { connect: false, ...options });
      clients.push(client);
      return client;
    };

    // The stock y-websocket client sends the new change at once; it builds on offline edits the
    // server has not had yet, and the server refuses it (it keeps nothing it cannot apply).
    const stock = connectLater({});
    typeThroughReconnect(stock, [" Offline ett.", " Direkt ett."]);
    await expect.poll(() => stock.closeCodes).toContain(4400);
    stock.destroy();

    // Ours holds it back until the socket has synced: every word arrives, nothing is refused.
    const ours = connectLater({ sendOnceSynced: true });
    typeThroughReconnect(ours, [" Offline två.", " Direkt två."]);
    await expect.poll(() => sectionText(mentor.doc, "guardianActions")).toContain("Offline två. Direkt två.");
    expect(ours.closeCodes).toEqual([]);
    typeInto(ours.doc, "guardianActions", " Sedan.");
    await expect.poll(() => sectionText(mentor.doc, "guardianActions")).toContain("Direkt två. Sedan.");
    expect(ours.closeCodes).toEqual([]);

    // The section is left as it was found (the durability tests write in it).
    const section = mentor.doc.getXmlFragment("guardianActions");
    section.delete(0, section.length);
    await expect.poll(() => sectionText(ours.doc, "guardianActions")).toBe("");
  });

  it("lets a subject teacher read but not write", async () => {
    const teacher = open("maths");
    await teacher.synced();
    expect(sectionText(teacher.doc, "pupilActions")).toBe("Jag ska plugga glosor.");
    typeInto(teacher.doc, "about", "Läraren skriver");
    await expect.poll(() => teacher.closeCodes).toContain(4403);
  });
});

describe("presence", () => {
  it("shows the name and role the server knows, whatever a client claims", async () => {
    const pupil = open("alva");
    const guardian = open("guardian");
    await Promise.all([pupil.synced(), guardian.synced()]);
    // Each client announces itself, as the editor does; the pupil's client lies.
    pupil.provider.awareness.setLocalStateField("user", { name: "Rektor", role: "mentor", color: "#000" });
    guardian.provider.awareness.setLocalStateField("user", { name: "Sara" });
    const others = (client: PlanClient) =>
      [...client.provider.awareness.getStates().entries()].filter(([id]) => id !== client.doc.clientID).map(([, s]) => s.user);
    await expect.poll(() => others(guardian)).toEqual([expect.objectContaining({ name: "Alva", role: "pupil" })]);
    await expect.poll(() => others(pupil)).toEqual([expect.objectContaining({ name: "Sara", role: "guardian" })]);
  });

  it("ignores a client that reuses another connection's awareness id", async () => {
    const pupil = open("alva");
    await pupil.synced();
    pupil.provider.awareness.setLocalStateField("user", { name: "Alva" });
    const victimId = pupil.doc.clientID;
    const impostor = rawConnect(cookies.guardian!);
    await impostor.outcome;
    const fakeDoc = new Y.Doc();
    fakeDoc.clientID = victimId;
    const fake = new awarenessProtocol.Awareness(fakeDoc);
    // A higher clock than the pupil's, so it would win if the server accepted it.
    for (let i = 0; i < 5; i++) fake.setLocalState({ user: { name: "Falsk" }, cursor: null, i });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(fake, [victimId]));
    impostor.socket.send(encoding.toUint8Array(encoder));
    // The server keeps serving the impostor (no crash) but the pupil's state is untouched.
    const witness = open("mentor");
    await witness.synced();
    await expect.poll(() => witness.provider.awareness.getStates().get(victimId)?.user?.name).toBe("Alva");
    expect(impostor.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe("bad input", () => {
  it("closes a connection that sends garbage, and others carry on", async () => {
    const bystander = open("mentor");
    await bystander.synced();
    const bad = rawConnect(cookies.alva!);
    expect(await bad.outcome).toEqual({ open: true });
    bad.socket.send(new Uint8Array([0, 2, 200, 1, 7]));
    expect(await bad.closed).toBe(4400);

    const textual = rawConnect(cookies.alva!);
    await textual.outcome;
    textual.socket.send("hello");
    expect(await textual.closed).toBe(4400);

    const huge = rawConnect(cookies.alva!);
    await huge.outcome;
    huge.socket.send(new Uint8Array(200_000));
    expect(await huge.closed).toBe(1009);

    typeInto(bystander.doc, "schoolActions", "Extra stöd i matte.");
    const check = open("alva");
    await check.synced();
    await expect.poll(() => sectionText(check.doc, "schoolActions")).toBe("Extra stöd i matte.");
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });

  it("closes a connection that sends an update with a broken body", async () => {
    const bad = rawConnect(cookies.mentor!);
    await bad.outcome;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, new Uint8Array([5, 255, 255, 255, 1, 0, 0]));
    bad.socket.send(encoding.toUint8Array(encoder));
    expect(await bad.closed).toBe(4400);
  });
});

describe("durability", () => {
  it("keeps the content across a restart and unloads documents nobody has open", async () => {
    const writer = open("alva");
    await writer.synced();
    typeInto(writer.doc, "guardianActions", "Fråga hur det går.");
    await expect.poll(async () => {
      const reader = connectToPlan(server.url, alvaPlanId, cookies.mentor!);
      await reader.synced();
      const text = sectionText(reader.doc, "guardianActions");
      reader.destroy();
      return text;
    }).toBe("Fråga hur det går.");
    writer.destroy();
    clients.splice(0);
    await expect
      .poll(async () => (await figures()).collaboration.documents)
      .toBe(0);

    await server.stop();
    server = await startTestServer({ databasePath: server.databasePath, env });
    await signInAll();
    const after = open("alva");
    await after.synced();
    expect(sectionText(after.doc, "guardianActions")).toBe("Fråga hur det går.");
  });

  it("loses nothing it had passed on when killed with SIGKILL mid-typing", async () => {
    const typist = open("alva");
    const reader = open("guardian");
    await Promise.all([typist.synced(), reader.synced()]);
    const before = sectionText(reader.doc, "about");
    let typed = 0;
    const timer = setInterval(() => {
      typeInto(typist.doc, "about", String(typed++ % 10));
    }, 2);
    await expect.poll(() => sectionText(reader.doc, "about").length - before.length, { timeout: 10_000 }).toBeGreaterThan(150);
    await server.kill();
    clearInterval(timer);
    const received = sectionText(reader.doc, "about");
    typist.destroy();
    reader.destroy();
    clients.splice(0);

    server = await startTestServer({ databasePath: server.databasePath, env });
    await signInAll();
    const after = open("mentor");
    await after.synced();
    // Everything the reader had been sent was stored before it was sent.
    expect(sectionText(after.doc, "about").startsWith(received)).toBe(true);
    expect(received.length - before.length).toBeGreaterThan(150);
  });

  it("when one plan cannot be stored, only its people are sent away, nothing unstored reaches them, and the edit arrives once storing works again", async () => {
    const mentorPlans = ((await (await get(`${server.url}/api/me/plans`, cookies.mentor)).json()) as { plans: Array<{ planId: string; access: string }> }).plans;
    const otherPlanId = mentorPlans.find((p) => p.planId !== alvaPlanId && p.access === "edit")!.planId;
    const typist = open("alva");
    const reader = open("guardian");
    const otherTypist = open("mentor", otherPlanId);
    const otherReader = open("mentor", otherPlanId);
    await Promise.all([typist, reader, otherTypist, otherReader].map((c) => c.synced()));

    // The disk refuses Alva's plan only (as a full disk or a broken page would, for one plan).
    const sqlite = new Database(server.databasePath);
    sqlite.exec(`create trigger refuse_alva before insert on plan_updates when new.plan_id = '${alvaPlanId}' begin select raise(abort, 'refused'); end`);
    try {
      // Both type at once, keystroke by keystroke (which turn stores what is up to the server;
      // the journal's unit test holds a failure inside one shared transaction).
      for (const [mine, other] of [..."Inte sparat ännu."].map((c, i) => [c, "Sparat, alltihop."[i] ?? "."])) {
        typeInto(typist.doc, "schoolActions", mine!);
        typeInto(otherTypist.doc, "schoolActions", other!);
      }
      await expect.poll(() => sectionText(otherReader.doc, "schoolActions")).toContain("Sparat, alltihop.");
      await expect.poll(() => typist.closeCodes).toContain(4500);
      // Each socket's close completes on its own (the client answers, then the server ends the connection).
      await expect.poll(() => reader.closeCodes).toContain(4500);
      expect(sectionText(reader.doc, "schoolActions")).not.toContain("Inte sparat ännu.");
      expect(otherTypist.closeCodes).toEqual([]);
    } finally {
      sqlite.exec("drop trigger refuse_alva");
      sqlite.close();
    }
    // The typist's client kept the edit and sends it again when it reconnects.
    await expect.poll(() => sectionText(reader.doc, "schoolActions"), { timeout: 10_000 }).toContain("Inte sparat ännu.");
  });

  it("compacts the stored log after thousands of small edits and still loads intact", async () => {
    const typist = open("mentor");
    await typist.synced();
    let expected = sectionText(typist.doc, "goals");
    for (let i = 0; i < 3000; i++) {
      const char = String.fromCharCode(97 + (i % 26));
      typeInto(typist.doc, "goals", char);
      expected += char;
    }
    const reader = open("alva");
    await reader.synced();
    await expect.poll(() => sectionText(reader.doc, "goals"), { timeout: 15_000 }).toBe(expected);
    // The log is cut down to a compacted state plus fewer rows than one compaction interval.
    expect(storedRows("plan_updates")).toBeLessThan(100);
    expect(storedRows("plan_document_states")).toBeGreaterThan(0);

    typist.destroy();
    reader.destroy();
    clients.splice(0);
    await server.stop();
    server = await startTestServer({ databasePath: server.databasePath, env });
    await signInAll();
    const after = open("alva");
    await after.synced();
    expect(sectionText(after.doc, "goals")).toBe(expected);
  });
});

describe("a pupil of 18 decides about guardians", () => {
  function setAlvaBirthDate(date: string) {
    const db = new Database(server.databasePath);
    try {
      db.prepare("update people set date_of_birth = ? where email = 'elev@demo.test'").run(date);
    } finally {
      db.close();
    }
  }

  it("closes a guardian's open plan the moment consent is withdrawn, and lets them back when given", async () => {
    const original = (() => {
      const db = new Database(server.databasePath, { readonly: true });
      try {
        return (db.prepare("select date_of_birth as d from people where email = 'elev@demo.test'").get() as { d: string }).d;
      } finally {
        db.close();
      }
    })();
    setAlvaBirthDate("2007-01-15");
    try {
      // Not shared yet: an adult pupil's plan is closed to guardians by default.
      expect((await rawConnect(cookies.guardian!).outcome).status).toBe(404);
      const share = await postForm(`${server.url}/plans/${alvaPlanId}`, { intent: "guardian-consent", shares: "on" }, cookies.alva);
      expect(share.status).toBe(200);
      const guardian = open("guardian");
      await guardian.synced();
      expect((await get(`${server.url}/plans/${alvaPlanId}`, cookies.guardian)).status).toBe(200);

      const withdraw = await postForm(`${server.url}/plans/${alvaPlanId}`, { intent: "guardian-consent" }, cookies.alva);
      expect(withdraw.status).toBe(200);
      await expect.poll(() => guardian.closeCodes).toContain(4409);
      expect((await rawConnect(cookies.guardian!).outcome).status).toBe(404);
      expect((await get(`${server.url}/plans/${alvaPlanId}`, cookies.guardian)).status).toBe(404);

      // Only the pupil decides: a guardian or the mentor cannot.
      const byGuardian = await postForm(`${server.url}/plans/${alvaPlanId}`, { intent: "guardian-consent", shares: "on" }, cookies.guardian);
      expect(byGuardian.status).toBe(404);
      const byMentor = await postForm(`${server.url}/plans/${alvaPlanId}`, { intent: "guardian-consent", shares: "on" }, cookies.mentor);
      expect(byMentor.status).toBe(404);
      expect((await rawConnect(cookies.guardian!).outcome).status).toBe(404);
    } finally {
      setAlvaBirthDate(original);
    }
  });

  it("does not let a minor switch guardians off", async () => {
    const response = await postForm(`${server.url}/plans/${alvaPlanId}`, { intent: "guardian-consent" }, cookies.alva);
    expect(response.status).toBe(404);
    expect((await rawConnect(cookies.guardian!).outcome).open).toBe(true);
  });
});
