/** Sizes of each workload: `full` is what the targets are stated for, `small` a smoke run. */
export interface Scale {
  name: 'full' | 'small';
  postSeconds: number;
  filterUsers: number;
  filterSeconds: number;
  peerFilterUsers: number;
  /** A multiple of the sync's 32 connections: each runs whole lookup-then-create pairs. */
  syncUsers: number;
  peerSyncUsers: number;
  groupMembers: number;
  peerGroupMembers: number;
  singleAdds: number;
  /** The peer answers a one-member add in about a third of a second: fewer of them. */
  peerSingleAdds: number;
  bulkAdd: number;
  mappingUsers: number;
  deprovisionRuns: number;
}

const FULL: Scale = {
  name: 'full',
  postSeconds: 30,
  filterUsers: 1_000_000,
  filterSeconds: 20,
  peerFilterUsers: 50_000,
  syncUsers: 100_000,
  peerSyncUsers: 10_000,
  groupMembers: 300_000,
  peerGroupMembers: 20_000,
  singleAdds: 200,
  peerSingleAdds: 20,
  bulkAdd: 10_000,
  mappingUsers: 100_000,
  deprovisionRuns: 200,
};

const SMALL: Scale = {
  name: 'small',
  postSeconds: 5,
  filterUsers: 20_000,
  filterSeconds: 5,
  peerFilterUsers: 2_000,
  syncUsers: 2_048,
  peerSyncUsers: 1_000,
  groupMembers: 5_000,
  peerGroupMembers: 5_000,
  singleAdds: 30,
  peerSingleAdds: 10,
  bulkAdd: 1_000,
  mappingUsers: 5_000,
  deprovisionRuns: 20,
};

export function scaleFromEnvironment(): Scale {
  const name = process.env.BENCH_SCALE ?? 'full';
  if (name !== 'full' && name !== 'small') throw new Error(`BENCH_SCALE is "full" or "small", not "${name}"`);

  return name === 'full' ? FULL : SMALL;
}
