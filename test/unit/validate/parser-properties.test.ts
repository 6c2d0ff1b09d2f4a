import fc from 'fast-check';
import { HclSyntaxError, parseTemplate, referencesOf } from '../../../tools/validate';

const ident = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);

describe('parser properties', () => {
  test('any string either parses or fails with HclSyntaxError (never hangs, never crashes)', () => {
    const alphabet = fc.constantFrom(
      '$',
      '{',
      '}',
      '%',
      '~',
      '"',
      '\\',
      '[',
      ']',
      '(',
      ')',
      '.',
      '*',
      ',',
      ':',
      '?',
      '=',
      '>',
      ' ',
      '\n',
      'a',
      'var',
      'for',
      'in',
      'if',
      'endfor',
      '1',
      '<<',
      'EOT',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
        (s) => {
          try {
            parseTemplate(s);
          } catch (e) {
            if (!(e instanceof HclSyntaxError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('${var.<name>} embedded in literal text yields exactly that reference', () => {
    fc.assert(
      fc.property(
        fc.string().filter((t) => !t.includes('${') && !t.includes('%{') && !t.endsWith('$')),
        ident,
        fc.string().filter((t) => !t.includes('${') && !t.includes('%{')),
        (pre, name, post) => {
          const refs = referencesOf(parseTemplate(`${pre}\${var.${name}}${post}`));
          expect(refs).toEqual([{ root: 'var', steps: [{ t: 'attr', name }] }]);
        },
      ),
    );
  });

  test('an iterator name never leaks as a reference; the collection does', () => {
    fc.assert(
      fc.property(ident, ident, (it, coll) => {
        fc.pre(!['for', 'in', 'if', 'true', 'false', 'null'].includes(it));
        const refs = referencesOf(parseTemplate(`\${[for ${it} in local.${coll} : upper(${it}.name)]}`));
        expect(refs).toEqual([{ root: 'local', steps: [{ t: 'attr', name: coll }] }]);
      }),
    );
  });
});
