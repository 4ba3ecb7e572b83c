/** Resident memory of the gateway's processes, read from /proc. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** A process and its direct children (for the gateway: the cluster primary and its workers). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    const kids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
    pids.push(...kids.map(Number));
  } catch {
    // no children
  }
  return pids;
}

/** Resident and peak resident memory of one process from /proc, in kB; null once it is gone. */
export function processMemoryKb(pid: number): { rssKb: number; peakRssKb: number } | null {
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return null;
  let status: string;
  try {
    status = readFileSync(path, 'utf8');
  } catch {
    // It exited between the check and the read.
    return null;
  }
  return {
    rssKb: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0),
    peakRssKb: Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0),
  };
}

/** Resident memory of a process and its children (the cluster workers), in MB. */
export function rssMb(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) total += processMemoryKb(p)?.rssKb ?? 0;
  return Math.round(total / 1024);
}
