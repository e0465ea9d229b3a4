import type { Peer } from '../lib/peer';
import type { Scale } from '../lib/scale';
import type { Service } from '../lib/service';

/** What every workload runs against. */
export interface Bench {
  service: Service;
  /** Absent when scim2-server could not be installed; peer columns then stay empty. */
  peer: Peer | undefined;
  scale: Scale;
}
