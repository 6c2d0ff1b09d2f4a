import * as fc from 'fast-check';
import { escapeTerraformDeep, escapeTerraformTemplate } from '../../../src/application-plane/terraform-template';
import { renderTerraformTemplate } from '../../../local/step-functions';

const noRefs = (expr: string): string => {
  throw new Error(`unexpected reference ${expr}`);
};

describe('Terraform template escaping', () => {
  test('bash interpolations and directives are escaped, cdktf tokens kept', () => {
    expect(escapeTerraformTemplate('echo "${tenantId}" %{x} $HOME ${TfToken[TOKEN.12]}')).toBe(
      'echo "$${tenantId}" %%{x} $HOME ${TfToken[TOKEN.12]}',
    );
    expect(escapeTerraformDeep({ 'a${b}': ['${c}', 1, true, null] })).toEqual({ 'a$${b}': ['$${c}', 1, true, null] });
  });

  test('Terraform renders an escaped string back to exactly the original (any string)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', '%', 'a', '\\', '"', '\n') }), (s) => {
        expect(renderTerraformTemplate(escapeTerraformTemplate(s), noRefs)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  test('renderer resolves references and rejects directives', () => {
    expect(
      renderTerraformTemplate('p=${var.name_prefix}-x $${y}', (e) => (e === 'var.name_prefix' ? 'sbt' : noRefs(e))),
    ).toBe('p=sbt-x ${y}');
    expect(() => renderTerraformTemplate('%{ if true }x%{ endif }', noRefs)).toThrow(/directives/);
  });
});
