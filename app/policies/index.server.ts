import { assessmentRules, commentRules, dutyRules } from "./assessment.server";
import { planRules } from "./plan.server";
import { evaluationResultRules, evaluationRules } from "./evaluation.server";
import { notificationRules } from "./notification.server";
import { describeRules, type RuleTable } from "./rule";
import { identityRules, schoolRules } from "./school.server";
import { signingRules } from "./signing.server";
import { guestRules, talkDayRules, talkRules } from "./talk.server";

/** Every policy's rules, in the order the README lists them. */
const policies: Array<[string, RuleTable<never>]> = [
  ["plan", planRules as RuleTable<never>],
  ["comments", commentRules as RuleTable<never>],
  ["assessments", { ...assessmentRules, ...dutyRules } as RuleTable<never>],
  ["signing", signingRules as RuleTable<never>],
  ["talk day", talkDayRules as RuleTable<never>],
  ["talk", talkRules as RuleTable<never>],
  ["evaluation", { ...evaluationRules, ...evaluationResultRules } as RuleTable<never>],
  ["notifications", notificationRules as RuleTable<never>],
  ["talk guest", guestRules as RuleTable<never>],
  ["school", { ...schoolRules, ...identityRules } as RuleTable<never>],
];

/** The README's "Who may do what" table, made from the policies themselves. */
export function policyTableMarkdown(): string {
  const rows = policies.flatMap(([name, rules]) => describeRules(name, rules));
  return ["| policy | action | who may |", "|---|---|---|", ...rows.map((r) => `| ${r.policy} | ${r.action} | ${r.who} |`)].join("\n");
}
