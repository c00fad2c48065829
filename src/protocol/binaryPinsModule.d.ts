// Imported by the engine (which enforces the pins) and the extension (which offers only what is pinned).
// The module that esbuild.config.mjs generates from package-lock.json (its binary-pins plugin): the CUDA packages'
// names, versions and sha512 integrity strings (the BinaryPin shape of src/protocol/binariesProtocol.ts).
declare module 'llama-lens:binary-pins' {
  const pins: readonly { name: string; version: string; integrity: string }[];
  export default pins;
}
