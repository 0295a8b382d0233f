/**
 * A rule of a policy: who may do something (in words, for the README's table) and the decision
 * itself. Each policy module is a table of these, so the table is both the code and its summary.
 */
export interface Rule<Subject> {
  /** Who may, in a few words (English, for the README's "Who may do what"). */
  who: string;
  allow(subject: Subject): boolean;
}

export type RuleTable<Subject> = Record<string, Rule<Subject>>;

/** Rows for the README's table: policy, action, who may. */
export function describeRules(policy: string, rules: RuleTable<never>): Array<{ policy: string; action: string; who: string }> {
  return Object.entries(rules).map(([action, rule]) => ({ policy, action, who: rule.who }));
}
