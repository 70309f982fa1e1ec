// The results file: one row per scenario, variant and connection count, each figure the median of
// the rounds (req/s with its range), and the targets of issue 17 checked against them.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Cell } from './measure.ts';
import { root } from './processes.ts';
import type { Result } from './run.ts';

export interface Environment {
  engine: string;
  tickets: number;
  commentsPerTicket: number;
  duration: number;
  rounds: number;
  label?: string;
  minutes: number;
  variants: string[];
  postgresVersion?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const of = (cells: Cell[], pick: (c: Cell) => number | null) => {
  const values = cells.map(pick).filter((v): v is number => v !== null && Number.isFinite(v));
  return values.length ? median(values) : null;
};

const fixed = (value: number | null, digits = 1) => (value === null ? '-' : value.toFixed(digits));
const percent = (ratio: number | null) => (ratio === null ? '-' : `${(100 * ratio).toFixed(1)}%`);

export async function writeResults(results: Result[], env: Environment) {
  const rps = (r: Result | undefined) => (r ? of(r.cells, (c) => c.rps) : null);
  const find = (prefix: string, variant: string, connections: number) =>
    results.find((r) => r.scenario.name.startsWith(prefix) && r.variant === variant && r.connections === connections);
  const baseline = (connections: number) => rps(find('1*', 'baseline', connections));

  const rows = results.map((r) => {
    const cells = r.cells;
    const base = r.scenario.vsBaseline ? baseline(r.connections) : null;
    const own = rps(r);
    const range =
      cells.length > 1
        ? ` (${fixed(Math.min(...cells.map((c) => c.rps)))}-${fixed(Math.max(...cells.map((c) => c.rps)))})`
        : '';
    return `| ${r.scenario.name} | ${r.variant} | ${r.connections} | ${fixed(own)}${range} | ${fixed(
      of(cells, (c) => c.p50),
      0,
    )} | ${fixed(
      of(cells, (c) => c.p99),
      0,
    )} | ${fixed(of(cells, (c) => c.serverCpuMs))} | ${fixed(of(cells, (c) => c.postgresCpuMs))} | ${fixed(
      of(cells, (c) => c.statements),
      2,
    )} | ${fixed(of(cells, (c) => c.bytesPerRequest / 1024))} | ${cells.reduce((n, c) => n + c.errors, 0)} | ${base && own !== null ? percent(own / base) : '-'} |`;
  });

  const checks: string[] = [];
  for (const r of results) {
    const compare = r.scenario.compareTo;
    if (!compare) continue;
    const other = find(compare.prefix, r.variant, r.connections);
    const own = rps(r);
    const theirs = rps(other);
    if (own === null || theirs === null || !other) continue;
    const ratio = own / theirs;
    checks.push(
      `- ${r.scenario.name} vs ${other.scenario.name} (${r.variant}, ${r.connections} conn.): ${percent(ratio)} (target at least ${percent(compare.target)}): ${ratio >= compare.target ? 'met' : 'NOT met'}`,
    );
  }
  for (const r of results.filter((x) => x.scenario.vsBaseline && x.connections === 32)) {
    const base = baseline(32);
    const own = rps(r);
    if (base && own !== null) {
      const ratio = own / base;
      checks.push(
        `- ${r.scenario.name} (${r.variant}, 32 conn.) vs baseline: ${percent(ratio)} (target at least 40%): ${ratio >= 0.4 ? 'met' : 'NOT met'}`,
      );
    }
  }

  const date = new Date().toISOString().slice(0, 10);
  const cpu = os.cpus();
  const lines = [
    `# Benchmark ${date}, ${env.engine}${env.label ? `, ${env.label}` : ''}`,
    '',
    `Machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${env.postgresVersion ? `, PostgreSQL ${env.postgresVersion}` : ''}.`,
    `Data: ${env.tickets} seeded tickets, ${env.tickets * env.commentsPerTicket} comments. Each cell: autocannon for ${env.duration} s, median of ${env.rounds} rounds (range of req/s in brackets); rounds alternate baseline and server variants; the run took ${env.minutes.toFixed(0)} min.`,
    `Variants: ${env.variants.join('; ')}. CPU columns: milliseconds of CPU per request of the server process and its workers, and of all PostgreSQL processes (read from /proc; PGlite runs inside the server).`,
    '',
    '| Scenario | Variant | Conn. | req/s | p50 ms | p99 ms | server CPU ms/req | PG CPU ms/req | SQL/req | KiB/resp | errors | vs baseline |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows,
    '',
    ...(checks.length ? ['Targets:', '', ...checks, ''] : []),
  ];
  const file = path.join(root, 'bench', 'results', `${date}-${env.engine}${env.label ? `-${env.label}` : ''}.md`);
  await writeFile(file, lines.join('\n'));
  console.log(lines.join('\n'));
  console.log(`Wrote ${path.relative(root, file)}`);
}
