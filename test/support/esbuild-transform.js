// Minimal jest transformer: esbuild strips types (tsc checks them separately via `npm run typecheck`).
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');

module.exports = {
  getCacheKey(source, path) {
    return createHash('sha256').update('v1').update(path).update(source).digest('hex');
  },
  process(source, path) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: path,
    });
    return { code, map };
  },
};
