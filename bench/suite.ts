/**
 * `npm run bench`: every workload of the benchmark suite against a service
 * it starts on a fresh database (api and worker as processes of their own),
 * each beside the floor (the same database work done directly with `pg`)
 * and the peer (the reference SCIM server of PyPI `scim2-server`, on
 * loopback, for the workloads it can serve). Prints a Markdown table and
 * writes bench/results/latest.json.
 *
 * BENCH_SCALE=small runs every workload at a smoke-test size.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Peer } from './lib/peer';
import { peerInstalled, startPeer } from './lib/peer';
import type { Figure } from './lib/report';
import { machine, met, table, writeResults } from './lib/report';
import { scaleFromEnvironment } from './lib/scale';
import { memoryOf, startService } from './lib/service';
import type { Bench } from './workloads/bench';
import { deprovision } from './workloads/deprovision';
import { filterLookup } from './workloads/filter-lookup';
import { groupMembers } from './workloads/group-members';
import { initialSync } from './workloads/initial-sync';
import { mappingChange } from './workloads/mapping-change';
import { postUsers } from './workloads/post-users';

const ROOT = join(__dirname, '..', '..');

interface Workload {
  name: string;
  run: (bench: Bench) => Promise<Figure[]>;
  /** Whether the peer can serve it: it has no roles, sessions or workflows. */
  peer: boolean;
}

const WORKLOADS: Workload[] = [
  { name: 'POST /Users', run: postUsers, peer: true },
  { name: 'initial sync', run: initialSync, peer: true },
  { name: 'filter lookups', run: filterLookup, peer: true },
  { name: 'group membership', run: groupMembers, peer: true },
  { name: 'mapping change', run: mappingChange, peer: false },
  { name: 'deprovisioning', run: deprovision, peer: false },
];

async function main(): Promise<void> {
  const scale = scaleFromEnvironment();
  const only = process.env.BENCH_ONLY?.split(',');
  const startLoad = loadavg();
  const host = machine();
  console.log(`bench (${scale.name}) on ${host.cpu}, ${host.cores} cores, ${host.memoryGb} GB; load average ${startLoad.map((value) => value.toFixed(2)).join(' ')}`);
  if (!peerInstalled()) console.log('scim2-server is not installed (bench/run.sh installs it): no peer figures');

  const service = await startService();
  const figures: Figure[] = [];
  try {
    for (const workload of WORKLOADS) {
      if (only !== undefined && !only.some((name) => workload.name.includes(name))) continue;
      const started = performance.now();
      process.stderr.write(`${workload.name}\n`);
      let peer: Peer | undefined;
      try {
        // A fresh peer each time, as our service gets a tenant of its own each time.
        peer = workload.peer && peerInstalled() ? await startPeer() : undefined;
        const found = await workload.run({ service, peer, scale });
        figures.push(...found);
        if (peer !== undefined) process.stderr.write(`  peer RSS ${peer.rssMb().toFixed(0)} MB\n`);
      } catch (error) {
        console.error(`${workload.name} failed:`, error);
        figures.push({ workload: workload.name, metric: 'failed', unit: 's', ours: NaN, note: String(error).slice(0, 200) });
      } finally {
        await peer?.stop();
      }
      process.stderr.write(`  ${workload.name} took ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
    const memory = memoryOf(service.apiPid);
    figures.push({
      workload: 'api process at the end of the run',
      metric: 'RSS',
      unit: 'MB',
      ours: memory.rssMb,
      target: { op: '<', value: 250 },
      note: `peak ${memory.peakMb.toFixed(0)} MB`,
    });
  } finally {
    await service.stop();
  }

  const endLoad = loadavg();
  console.log('');
  console.log(table(figures));
  console.log('');
  for (const figure of figures.filter((figure) => figure.note !== undefined)) {
    console.log(`- ${figure.workload}, ${figure.metric}: ${figure.note}`);
  }
  console.log(`load average at start ${startLoad.map((value) => value.toFixed(2)).join(' ')}, at end ${endLoad.map((value) => value.toFixed(2)).join(' ')}`);
  const missed = figures.filter((figure) => met(figure) === false).length;
  console.log(`${figures.filter((figure) => met(figure) === true).length} targets met, ${missed} missed`);
  console.log(`written to ${writeResults(ROOT, scale.name, startLoad, figures)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
