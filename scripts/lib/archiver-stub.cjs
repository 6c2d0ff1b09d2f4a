// cdktf loads `archiver` at start-up for DIRECTORY assets (zipped at synth). Our stacks only use FILE
// assets (handler zips are built reproducibly by scripts/bundle.mjs), so the synth bundle replaces it with
// this stub, saving ~80 ms of module loading per synth. Using a directory asset fails loudly here.
module.exports = function archiver() {
  throw new Error(
    'directory assets are not supported by the precompiled synth bundle: use AssetType.FILE with a prebuilt archive',
  );
};
