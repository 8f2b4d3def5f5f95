/** The emscripten module scripts/build-aac-wasm.sh builds (aac-decoder.cjs); aac.ts declares what it uses. */
declare function createAacModule(opts?: object): Promise<unknown>;
export = createAacModule;
