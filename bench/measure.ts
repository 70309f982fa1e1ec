// One measured cell: autocannon against a URL, with the CPU the server (and its workers) and the
// PostgreSQL server spent meanwhile, read from /proc, and the SQL statements the server counted.
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readStat(pid: string): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    // Fields after "(comm)": state ppid ... utime (14th field overall) stime (15th).
    const rest = text.slice(close + 2).split(' ');
    return { pid: Number(pid), ppid: Number(rest[1]), comm, ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null; // exited meanwhile
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(readStat)
    .filter((s): s is ProcStat => s !== null);
}

/** CPU ticks so far of each process of a server's tree (cluster workers too), and of each PostgreSQL process. */
export function cpuTicks(rootPid: number | undefined): { server: Map<number, number>; postgres: Map<number, number> } {
  const processes = allProcesses();
  const tree = new Set<number>(rootPid ? [rootPid] : []);
  // Parents are listed before their children often but not always: repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of processes) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  const server = new Map<number, number>();
  const postgres = new Map<number, number>();
  for (const p of processes) {
    if (tree.has(p.pid)) server.set(p.pid, p.ticks);
    else if (p.comm === 'postgres') postgres.set(p.pid, p.ticks);
  }
  return { server, postgres };
}

/**
 * CPU seconds spent between two readings: per process, so that one that exits in between (an
 * autovacuum worker, a closed connection) does not subtract what it had spent before; one that
 * started in between counts whole. What an exiting process spent during the run is lost.
 */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of after) ticks += now - (before.get(pid) ?? 0);
  return ticks / TICKS_PER_SECOND;
}

export interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface Cell {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU milliseconds per request of the server process tree, and of PostgreSQL (null on PGlite). */
  serverCpuMs: number;
  postgresCpuMs: number | null;
  /** SQL statements per request, when the server counts them (`/metrics`). */
  statements: number | null;
  bytesPerRequest: number;
}

export interface MeasureOptions {
  connections: number;
  duration: number;
  /** The process whose tree is the server (its CPU is measured). */
  serverPid?: number;
  /** Reads the server's statement counter; absent for the baseline. */
  statements?: () => Promise<number>;
  postgres: boolean;
}

export async function warmUp(target: Target, seconds = 2) {
  await autocannon({ ...target, connections: 8, duration: seconds });
}

export async function measure(target: Target, options: MeasureOptions): Promise<Cell> {
  const statementsBefore = options.statements ? await options.statements() : null;
  const cpuBefore = cpuTicks(options.serverPid);
  const result = await autocannon({ ...target, connections: options.connections, duration: options.duration });
  const cpuAfter = cpuTicks(options.serverPid);
  const statementsAfter = options.statements ? await options.statements() : null;
  const requests = result.requests.total || 1;
  const perRequest = (seconds: number) => (1000 * seconds) / requests;
  return {
    requests: result.requests.total,
    rps: result.requests.total / options.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    serverCpuMs: perRequest(cpuBetween(cpuBefore.server, cpuAfter.server)),
    postgresCpuMs: options.postgres ? perRequest(cpuBetween(cpuBefore.postgres, cpuAfter.postgres)) : null,
    statements:
      statementsBefore !== null && statementsAfter !== null ? (statementsAfter - statementsBefore) / requests : null,
    bytesPerRequest: Math.round(result.throughput.total / requests),
  };
}
