// The dev stack's child processes: each in its own process group (npm does not forward signals
// to tsx watch or next), output prefixed per app and quietened: request logs of successful calls
// are dropped (the control plane's long polls alone would bury everything else) and pino's JSON
// lines are shown as "level message".
import { spawn } from 'node:child_process';

const colours = ['36', '35', '33', '32', '34', '31', '90'];
const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** The line to print for one line of a child's output, or null to drop it. */
export function presentLogLine(line) {
  if (!line.startsWith('{')) return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  const status = entry.res?.statusCode;
  if (entry.msg === 'incoming request') return null;
  if (entry.msg === 'request completed' && typeof status === 'number' && status < 400) return null;
  const level = LEVELS[entry.level] ?? String(entry.level ?? '');
  const parts = [level, entry.msg ?? ''];
  if (entry.msg === 'request completed')
    parts.push(`${entry.req?.method ?? ''} ${entry.req?.url ?? ''} → ${status}`.trim());
  if (entry.err?.message) parts.push(`(${entry.err.message})`);
  return parts.filter((p) => p !== '').join(' ');
}

export class ProcessGroup {
  children = [];
  stopping = false;
  #next = 0;

  /** Starts `command` with prefixed, filtered output; `onLine` sees every printed line. */
  start(label, command, args, { cwd, env, onLine }) {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const colour = colours[this.#next++ % colours.length];
    const prefix = process.stdout.isTTY ? `\x1b[${colour}m[${label}]\x1b[0m ` : `[${label}] `;
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.on('data', (chunk) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const raw of lines) {
          const line = presentLogLine(raw);
          if (line === null) continue;
          process.stdout.write(`${prefix}${line}\n`);
          onLine?.(line);
        }
      });
    }
    child.on('exit', (code, signal) => {
      if (!this.stopping) console.log(`${prefix}exited (${signal ?? code})`);
    });
    child.label = label;
    this.children.push(child);
    return child;
  }

  /**
   * SIGTERM to the groups of `labels` (null: all), then waits until every process of those groups
   * is gone, not just the one started: a wrapper (npm, a dev server's parent) can exit at once
   * while the server it started is still stopping. What is left after `graceMs` gets SIGKILL, so
   * nothing outlives `npm run dev`.
   */
  async stop(labels, graceMs) {
    this.stopping = true;
    const groups = this.children
      .filter((c) => labels === null || labels.includes(c.label))
      .map((c) => c.pid)
      .filter((pid) => pid !== undefined);
    for (const pid of groups) signalGroup(pid, 'SIGTERM');
    const running = () => groups.filter(groupRunning);
    const deadline = Date.now() + graceMs;
    while (running().length > 0 && Date.now() < deadline) await sleep(100);
    for (const pid of running()) signalGroup(pid, 'SIGKILL');
    const killed = Date.now() + 2000;
    while (running().length > 0 && Date.now() < killed) await sleep(50);
  }
}

/** Whether any process of the group led by `pgid` is still there (signal 0 only checks). */
function groupRunning(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
