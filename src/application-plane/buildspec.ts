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
  /** Variables exported back to Step Functions. @default none */
  readonly exportedVariables?: string[];
}

export interface Buildspec {
  version: '0.2';
  env: { shell: 'bash'; 'exported-variables'?: string[] };
  phases: { build: { commands: string[] }; post_build?: { commands: string[] } };
}

/** The command appended to post_build: `export v="${v-}"` for every exported variable. */
export function defaultExportsCommand(names: string[]): string {
  return [
    '# ScriptJob: define every exported variable (empty when the script did not set it), so the outgoing event can always be built',
    ...names.map((n) => `export ${n}="\${${n}-}"`),
  ].join('\n');
}

export function scriptJobBuildspec(props: BuildspecProps): Buildspec {
  const exported = props.exportedVariables ?? [];
  const post = [...(props.postScript ? [props.postScript] : []), ...(exported.length ? [defaultExportsCommand(exported)] : [])];
  return {
    version: '0.2',
    env: { shell: 'bash', ...(exported.length ? { 'exported-variables': exported } : {}) },
    phases: {
      build: { commands: [props.script] },
      ...(post.length ? { post_build: { commands: post } } : {}),
    },
  };
}
