/**
 * A file as a cdktf asset (handler archives, the registration page's files), named by the same content hash
 * cdktf computes (upper-case md5 hex), taken from the build's record when it still describes the file
 * (src/core/file-hashes.ts) instead of hashing it again in every synth; and except that synth leaves an
 * identical copy already in the output folder alone. cdktf deletes each asset's folder and copies the file
 * again on every synth (6–8 % of an `npm run synth` in a profile); the copy sits under a folder named by the
 * file's content hash, so when that folder is the only one and its file has the source's exact bytes there
 * is nothing to do. Anything else (first synth, a changed file, a stray version) takes cdktf's own path.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { AssetType, type Construct, TerraformAsset, TerraformStack } from './cdktf';
import { type FileHashes, fileHashes } from './file-hashes';

export class FileAsset extends TerraformAsset {
  /** The file's sha256 (base64, a Lambda `source_code_hash`) and md5 (hex, lower case, an S3 etag). */
  readonly hashes: FileHashes;

  /**
   * @param sourceFile absolute path of the file to ship with the stack (a relative one is resolved and
   *   hashed by cdktf, against cdktf.json's folder)
   */
  constructor(
    scope: Construct,
    id: string,
    readonly sourceFile: string,
  ) {
    const hashes = isAbsolute(sourceFile) ? fileHashes(sourceFile) : undefined;
    // cdktf's own name for the folder is hashPath(): md5 hex, sliced to 32 (all of it) and upper-cased.
    super(scope, id, { path: sourceFile, type: AssetType.FILE, assetHash: hashes?.md5.toUpperCase() });
    // A relative path is cdktf's to resolve (against cdktf.json's folder; it hashed the file it found).
    this.hashes = hashes ?? fileHashes((this as unknown as { sourcePath: string }).sourcePath);
  }
}

type SynthesisSession = {
  manifest: { outdir: string; forStack(stack: TerraformStack): { synthesizedStackPath: string } };
};
type AssetInternals = { _onSynthesize?: (session: SynthesisSession) => void };
const cdktfOnSynthesize = (TerraformAsset.prototype as unknown as AssetInternals)._onSynthesize;
// cdktf binds `this._onSynthesize` in its constructor, so a prototype method here replaces it for FileAssets.
// If a cdktf release renames it, this does nothing and cdktf's own copying applies.
if (typeof cdktfOnSynthesize === 'function') {
  Object.defineProperty(FileAsset.prototype, '_onSynthesize', {
    value: function onSynthesize(this: FileAsset, session: SynthesisSession) {
      const stackDir = join(
        session.manifest.outdir,
        session.manifest.forStack(TerraformStack.of(this)).synthesizedStackPath,
        '..',
      );
      const target = join(stackDir, this.path); // assets/<asset id>/<content hash>/<file name>
      const folder = join(target, '..', '..');
      if (
        existsSync(target) &&
        readdirSync(folder).length === 1 &&
        readFileSync(target).equals(readFileSync(this.sourceFile))
      )
        return;
      cdktfOnSynthesize.call(this, session);
    },
  });
}
