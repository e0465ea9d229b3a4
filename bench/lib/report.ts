import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export type Unit = 'req/s' | 'ms' | 's' | 'MB' | '%';

/** One figure of a workload, with what it is compared to. */
export interface Figure {
  workload: string;
  metric: string;
  unit: Unit;
  ours: number;
  floor?: number;
  peer?: number;
  /** How the peer's figure was obtained when it differs from ours (smaller population…). */
  peerNote?: string;
  target?: { op: '>=' | '<'; value: number };
  note?: string;
}

export function met(figure: Figure): boolean | undefined {
  if (figure.target === undefined) return undefined;

  return figure.target.op === '>=' ? figure.ours >= figure.target.value : figure.ours < figure.target.value;
}

function number(value: number | undefined, unit: Unit): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'req/s' || unit === 'MB' || unit === '%') return Math.round(value).toLocaleString('en-US');
  if (unit === 's') return value.toFixed(1);

  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

/** Ours over theirs; for throughput above 1 is better, for times below 1 is. */
function ratio(ours: number, theirs: number | undefined): string {
  if (theirs === undefined || Number.isNaN(theirs) || theirs === 0) return '—';

  return `${(ours / theirs).toFixed(2)}×`;
}

/** The results as a Markdown table (printed, and pasted into the README). */
export function table(figures: Figure[]): string {
  const lines = [
    '| workload | metric | ours | floor | ours/floor | peer | ours/peer | target | |',
    '|---|---|--:|--:|--:|--:|--:|---|---|',
  ];
  for (const figure of figures) {
    const unit = ` ${figure.unit}`;
    const target = figure.target === undefined ? '' : `${figure.target.op === '>=' ? '≥' : '<'} ${number(figure.target.value, figure.unit)}${unit}`;
    const outcome = met(figure) === undefined ? '' : met(figure) ? 'met' : '**missed**';
    const peer = figure.peer === undefined ? '—' : `${number(figure.peer, figure.unit)}${figure.peerNote === undefined ? '' : ` (${figure.peerNote})`}`;
    lines.push(
      `| ${figure.workload} | ${figure.metric} | ${number(figure.ours, figure.unit)}${unit} | ${number(figure.floor, figure.unit)} | ${ratio(figure.ours, figure.floor)} | ${peer} | ${ratio(figure.ours, figure.peer)} | ${target} | ${outcome} |`,
    );
  }

  return lines.join('\n');
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Writes bench/results/latest.json (relative to the repository root). */
export function writeResults(root: string, scale: string, startLoad: number[], figures: Figure[]): string {
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  const results = {
    date: new Date().toISOString(),
    commit: `${git(['rev-parse', 'HEAD'])}${dirty ? ' (uncommitted changes)' : ''}`,
    scale,
    machine: machine(),
    loadAverage: { atStart: startLoad, atEnd: loadavg() },
    figures: figures.map((figure) => ({ ...figure, met: met(figure) })),
  };
  const directory = join(root, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, scale === 'full' ? 'latest.json' : `latest-${scale}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

  return file;
}
