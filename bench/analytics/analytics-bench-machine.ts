import os from 'node:os';

/** The machine an analytics bench ran on, as both benches record it in their result file. */
export function benchMachine(): { cpus: number; cpuModel: string; node: string } {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
  };
}
