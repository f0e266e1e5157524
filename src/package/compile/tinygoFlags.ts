/**
 * TinyGo's flags, chosen by measurement (bench/tinygo-flags.mjs, README "Toolchains"); the same on every
 * machine, GitHub runners included, since the build action runs this code.
 * - `-no-debug`: no DWARF; a component a third of the size (the hosts download and compile less).
 * - `-scheduler=none`: no asyncify pass (wasm-opt's slowest part): about 40 % less compile time and half
 *   the size again. A task that starts goroutines cannot build so; it is rebuilt with TinyGo's default
 *   scheduler (asyncify), which is then named in the build log.
 */
export const TINYGO_FLAGS: readonly string[] = ['-no-debug'];
export const SCHEDULER = { fast: '-scheduler=none', goroutines: '-scheduler=asyncify' } as const;
export const TINYGO_FAST_SCHEDULER = SCHEDULER.fast;
