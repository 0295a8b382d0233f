import { mkdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";
import { firstPlanId, postForm, signIn } from "../support/http";
import { createTalkDay, openSchoolDatabase, postFields } from "../support/school";
import { startTestServer } from "../support/server";

/**
 * `npm run bench:pages`: how fast the pages people keep reloading during a talk are, against the
 * floor of our stack (`/healthz`: Express and one query), in the same run, at 20 concurrent
 * clients (autocannon, keep-alive). Prints a table and one JSON line. A benchmark, not a test:
 * nothing is asserted. `--seconds=N` (default 10), `--only=<text>` (the floor and the pages whose
 * name holds it), `BENCH_PROFILE_DIR=dir` writes a V8 CPU profile of the server for the run.
 *
 * Targets (issue 20): the plan's `.data` within 3× and its HTML within 10× of `/healthz`'s time
 * per request. The "Remix floor" rows are the framework's own cost: the root loader and a route
 * that reads one row (the accessibility statement), as data and as a page.
 */

const seconds = Number(process.argv.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 10);
/** `--only=data` runs the floor and the pages whose name holds the text. */
const only = process.argv.find((a) => a.startsWith("--only="))?.split("=")[1];
const connections = 20;
const profileDir = process.env.BENCH_PROFILE_DIR;
if (profileDir) mkdirSync(profileDir, { recursive: true });

/** CPU seconds of the server's main thread (its event loop: where every request's work is done). */
function serverCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const server = await startTestServer({ nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [] });
try {
  const alva = await signIn(server.url, "elev@demo.test");
  const sara = await signIn(server.url, "vh@demo.test");
  const jonas = await signIn(server.url, "mentor@demo.test");
  const admin = await signIn(server.url, "admin@demo.test");
  const planId = await firstPlanId(server.url, alva);

  // A plan as it looks at a talk: an assessment in every subject, a few threads, a talk day.
  const school = openSchoolDatabase(server.databasePath);
  const alvaId = school.personId("elev@demo.test");
  const duties = school.all<{ id: string; email: string }>(
    `select d.id, p.email from teaching_duties d join group_members gm on gm.group_id = d.group_id join people p on p.id = d.teacher_id
      join terms t on t.id = d.term_id where gm.pupil_id = ? and t.starts_on <= date('now') and t.ends_on >= date('now')`,
    alvaId,
  );
  const teacherCookies = new Map<string, string>();
  for (const duty of duties) {
    if (!teacherCookies.has(duty.email)) teacherCookies.set(duty.email, await signIn(server.url, duty.email));
    await postForm(`${server.url}/assessments/${duty.id}`, { intent: "save", pupilId: alvaId, level: "", written: "Arbetar stadigt och visar sina steg." }, teacherCookies.get(duty.email));
  }
  const maths = school.subjectId("MA");
  const karin = teacherCookies.get("matte@demo.test") ?? (await signIn(server.url, "matte@demo.test"));
  for (let i = 0; i < 4; i++) await postForm(`${server.url}/plans/${planId}`, { intent: "start-thread", subjectId: maths, body: `Fråga ${i}: visa hur du tänkte.` }, karin);
  const eventId = await createTalkDay(server.url, admin, { groupIds: school.mentorGroupsOf("8A") });
  await postFields(`${server.url}/talk-days/${eventId}`, [["intent", "invite"]], admin);
  const talkId = school.talkOf(eventId, alvaId)!.id;
  school.close();

  const targets = [
    { name: "/healthz (floor)", path: "/healthz", cookie: undefined },
    // Remix's own floor: the single-fetch path with the root loader and a route that reads one row
    // (the accessibility statement), signed out and signed in. What a page costs above these is ours.
    { name: "Remix floor .data (signed out)", path: "/accessibility.data", cookie: undefined },
    { name: "Remix floor .data (pupil)", path: "/accessibility.data", cookie: alva },
    { name: "Remix floor HTML (pupil)", path: "/accessibility", cookie: alva },
    { name: "plan HTML (pupil)", path: `/plans/${planId}`, cookie: alva },
    { name: "plan .data (pupil)", path: `/plans/${planId}.data`, cookie: alva },
    { name: "plan .data (guardian)", path: `/plans/${planId}.data`, cookie: sara },
    { name: "talk view HTML (guardian)", path: `/talks/${talkId}`, cookie: sara },
    { name: "talk view .data (mentor)", path: `/talks/${talkId}.data`, cookie: jonas },
    { name: "home HTML (guardian)", path: "/", cookie: sara },
    { name: "home HTML (mentor)", path: "/", cookie: jonas },
  ];

  const results: Array<{ name: string; requestsPerSecond: number; p50: number; p99: number; msPerRequest: number; cpuMsPerRequest: number; non2xx: number; bytes: number }> = [];
  for (const target of targets.filter((t, i) => i === 0 || !only || t.name.includes(only))) {
    const cpuBefore = serverCpuSeconds(server.pid);
    const result = await autocannon({
      url: `${server.url}${target.path}`,
      connections,
      duration: seconds,
      headers: { ...(target.cookie ? { cookie: target.cookie } : {}), "sec-fetch-site": "same-origin" },
    });
    results.push({
      name: target.name,
      requestsPerSecond: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      // Server time per request at this concurrency: what the ratio targets compare.
      msPerRequest: Number((1000 / Math.max(result.requests.average, 0.001)).toFixed(2)),
      // The server's own CPU per request: what a page costs whatever else the machine is doing.
      cpuMsPerRequest: Number(((1000 * (serverCpuSeconds(server.pid) - cpuBefore)) / Math.max(result.requests.total, 1)).toFixed(3)),
      non2xx: result.non2xx,
      bytes: Math.round(result.throughput.average / Math.max(result.requests.average, 0.001)),
    });
  }

  const floor = results[0]!.msPerRequest;
  const cpuFloor = results[0]!.cpuMsPerRequest;
  console.log(`\n${connections} concurrent clients, ${seconds} s each\n`);
  console.log("| page | req/s | p50 ms | p99 ms | ms/request | × floor | server CPU ms/request | × floor | bytes | non-2xx |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.msPerRequest} | ${(r.msPerRequest / floor).toFixed(1)} | ${r.cpuMsPerRequest} | ${(r.cpuMsPerRequest / cpuFloor).toFixed(1)} | ${r.bytes} | ${r.non2xx} |`,
    );
  }
  const ratio = (name: string) => {
    const found = results.find((r) => r.name === name);
    return found ? { time: Number((found.msPerRequest / floor).toFixed(2)), cpu: Number((found.cpuMsPerRequest / cpuFloor).toFixed(2)) } : null;
  };
  const summary = {
    connections,
    seconds,
    results,
    targets: { planDataRatio: ratio("plan .data (pupil)"), planDataTarget: 3, planHtmlRatio: ratio("plan HTML (pupil)"), planHtmlTarget: 10 },
    remixFloor: { dataRatio: ratio("Remix floor .data (pupil)"), htmlRatio: ratio("Remix floor HTML (pupil)") },
  };
  console.log(`\n${JSON.stringify(summary)}`);
} finally {
  await server.stop();
  server.cleanup();
}
