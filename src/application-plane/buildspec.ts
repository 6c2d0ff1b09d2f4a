import {
  distinctNames,
  hasNames,
  HclExpression,
  hclExpr,
  listWhen,
  mergeWhen,
  renderHcl,
  type NameList,
} from './hcl-expression';

/**
 * The CodeBuild buildspec of a ScriptJob (pure: no cdktf), as SBT-AWS writes it (reference/sbt-aws.md §5):
 * bash, the script as the build phase, the post-script as post_build, and the variables the job returns
 * listed under `env.exported-variables`.
 *
 * One difference: post_build ends with a command that defines every exported variable the script left
 * unset (as the empty string). In SBT a script that forgets to export a listed variable makes the
 * success notification fail with an unrecoverable States.Runtime error: the execution dies and neither a
 * success nor a failure event is ever sent, so the tenant stays "in progress" forever. Here it arrives as
 * `""`, visibly. post_build runs even when the build phase failed, and on that path the failure event
 * is sent anyway, so the command never masks a failure.
 */
export interface BuildspecProps {
  /** Bash run as the build phase (one command, so it may span lines, use heredocs, etc.). */
  readonly script: string;
  /** Bash run as the post_build phase. @default none */
  readonly postScript?: string;
  /** Variables exported back to Step Functions (a list, or a Terraform expression: see hcl-expression.ts). @default none */
  readonly exportedVariables?: NameList;
}

export interface Buildspec {
  version: '0.2';
  env: { shell: 'bash'; 'exported-variables'?: string[] };
  phases: { build: { commands: string[] }; post_build?: { commands: string[] } };
}

const EXPORTS_COMMENT =
  '# ScriptJob: define every exported variable (empty when the script did not set it), so the outgoing event can always be built';

/** The command appended to post_build: `export v="${v-}"` for every exported variable. */
export function defaultExportsCommand(names: string[]): string;
export function defaultExportsCommand(names: NameList): string | HclExpression;
export function defaultExportsCommand(names: NameList): string | HclExpression {
  if (!(names instanceof HclExpression))
    return [EXPORTS_COMMENT, ...names.map((n) => `export ${n}="\${${n}-}"`)].join('\n');
  // join("\n", …): `$${` is a literal `${` in the HCL template, `${n}` the name.
  return hclExpr(
    `join("\\n", concat([${renderHcl(EXPORTS_COMMENT)}], [for n in ${names.text} : "export \${n}=\\"$\${\${n}-}\\""]))`,
  );
}

/**
 * The buildspec: a plain object while `exportedVariables` is a literal list; with an expression it holds
 * {@link HclExpression}s (render it with `renderHcl` inside `jsonencode`).
 */
export function scriptJobBuildspec(props: BuildspecProps & { exportedVariables?: string[] }): Buildspec;
export function scriptJobBuildspec(props: BuildspecProps): Buildspec | Record<string, unknown>;
export function scriptJobBuildspec(props: BuildspecProps): Buildspec | Record<string, unknown> {
  const exported = distinctNames(props.exportedVariables ?? []);
  const any = hasNames(exported);
  const post = listWhen(...(props.postScript ? [[true, props.postScript] as [boolean, unknown]] : []), [
    any,
    defaultExportsCommand(exported),
  ]);
  const hasPost = props.postScript ? true : any;
  return {
    version: '0.2',
    env: mergeWhen([true, { shell: 'bash' }], [any, { 'exported-variables': exported }]),
    phases: mergeWhen([true, { build: { commands: [props.script] } }], [hasPost, { post_build: { commands: post } }]),
  } as Buildspec;
}
