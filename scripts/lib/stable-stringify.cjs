// cdktf writes every cdk.tf.json with json-stable-stringify 1.x (`stringify(doc, { space: 2 })`: keys sorted
// by code unit, undefined members skipped, undefined array entries as null, toJSON honoured, empty arrays and
// objects written as an opening bracket, a newline with the parent's indent and the closing bracket). The
// synth bundle (scripts/lib/compile.mjs) uses this port of it, byte for byte the same output
// (test/unit/stable-stringify.test.ts compares the two on generated documents), without the
// call-bind/callBound indirections and the per-level indent rebuilding that made the original show in a
// synth profile. Only the option cdktf passes (`space`) is supported; anything else throws.
'use strict';

module.exports = function stableStringify(obj, opts) {
  const simple =
    opts !== null &&
    typeof opts === 'object' &&
    Object.keys(opts).length === 1 &&
    (Number.isInteger(opts.space) || typeof opts.space === 'string');
  if (!simple) throw new Error("the synth bundle's json-stable-stringify supports only { space } (what cdktf passes)");
  const space = typeof opts.space === 'number' ? ' '.repeat(Math.max(0, opts.space)) : opts.space;
  const indents = [];
  const indentOf = (level) => {
    while (indents.length <= level) indents.push(space ? `\n${space.repeat(indents.length)}` : '');
    return indents[level];
  };
  const colon = space ? ': ' : ':';
  const seen = [];
  const write = (node, level) => {
    if (node && typeof node.toJSON === 'function') node = node.toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const close = indentOf(level);
    const inner = indentOf(level + 1);
    if (Array.isArray(node)) {
      let out = '[';
      for (let i = 0; i < node.length; i++) {
        out += `${i ? ',' : ''}${inner}${write(node[i], level + 1) || 'null'}`;
      }
      return `${out}${close}]`;
    }
    if (seen.includes(node)) throw new TypeError('Converting circular structure to JSON');
    seen.push(node);
    const keys = Object.keys(node).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const value = write(node[key], level + 1);
      if (!value) continue;
      out += `${first ? '' : ','}${inner}${JSON.stringify(key)}${colon}${value}`;
      first = false;
    }
    seen.splice(seen.indexOf(node), 1);
    return `${out}${close}}`;
  };
  return write(obj, 0);
};
