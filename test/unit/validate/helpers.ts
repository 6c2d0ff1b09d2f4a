import {
  validateConfiguration,
  type ConfigFile,
  type Finding,
  type TfDoc,
  type ValidateOptions,
} from '../../../tools/validate';

/** Validates one in-memory document as `file`. */
export function validateDoc(
  doc: TfDoc,
  opts: Partial<ValidateOptions> = {},
  file = 'main.tf.json',
): Promise<Finding[]> {
  const files: ConfigFile[] = [{ file, doc }];
  return validateConfiguration(files, { kind: 'stack', ...opts });
}

export const messages = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.path}: ${f.message}`);
