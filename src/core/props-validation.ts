import type { IConstruct } from './cdktf';

/**
 * The props problems of one construct, reported together at synth (cdktf runs every node's validations
 * before it writes a stack, and names the construct path in front of each message): a user fixing their
 * props sees every mistake in one run instead of one per run. Push a message for each problem; an empty
 * list passes.
 *
 * A construct still throws at once when a problem makes building it impossible (a name it needs to make
 * a construct id, a resource it cannot create twice): those cases say why next to the throw.
 */
export function propsErrors(scope: IConstruct): string[] {
  const errors: string[] = [];
  scope.node.addValidation({ validate: () => [...errors] });
  return errors;
}
