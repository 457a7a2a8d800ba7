import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';

/**
 * Every process a live test starts (PBXes, callplane, sipp, baresip), ended by PID when the test
 * file ends — also when a test fails or Jest is interrupted. A process started here is always in
 * `LiveProcesses.running` until it has exited.
 */
export interface LiveProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (a crash, as far as the peer can tell). */
  kill(): Promise<void>;
}

const running = new Set<LiveProcess>();

/** Starts `command` with stdout+stderr appended to `logFile`. */
export function startProcess(name: string, command: string, args: string[], logFile: string, options: SpawnOptions = {}): LiveProcess {
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(proc);
      // Let the pipes drain into the log before closing it.
      setImmediate(() => log.end());
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', () => {
      done = true;
      running.delete(proc);
      log.end();
      resolve('spawn-error');
    });
  });
  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number) => {
    if (done) return;
    try {
      process.kill(child.pid!, signal);
    } catch {
      // ESRCH: it exited between the check and the signal.
    }
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout' && !done) {
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        // ESRCH as above.
      }
      await exited;
    }
  };
  const proc: LiveProcess = {
    name,
    child,
    pid: child.pid,
    logFile,
    exited,
    hasExited: () => done,
    stop: (graceMs = 3000) => signalAndWait('SIGTERM', graceMs),
    kill: () => signalAndWait('SIGKILL', 5000),
  };
  running.add(proc);
  return proc;
}

/** Kills every live process still running (afterAll of every live test file calls this). */
export async function killAllLiveProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}

// Interrupted runs (Ctrl-C, Jest's forced exit) must not leave PBXes behind.
process.once('exit', () => {
  for (const p of running) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
