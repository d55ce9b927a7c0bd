import { writeEstate } from './estate.js';

export interface CopyEstateOptions {
  /** The offsite policy's keep and lag. */
  keep: number;
  lag: string;
  /** More fields of the offsite policy, written inside its braces (e.g. `, method: stream`). */
  policy?: string;
  /** Adds the in-memory PGlite sandbox `lite`, for drills from the copies. */
  pglite?: boolean;
  /** Top-level YAML after the copies. */
  extra?: string;
}

/**
 * The estate of the copy tests: resource db (dump-dir, rpo 1000d) in region local, copied
 * by the policy offsite to region other. Returns the path of lifeboat.yaml.
 */
export function writeCopyEstate(dir: string, o: CopyEstateOptions): Promise<string> {
  const sandboxes = o.pglite ? 'sandboxes:\n  lite: { kind: pglite }\n' : '';
  return writeEstate(dir, '  - { id: db, kind: dump-dir, region: local, path: db, rpo: 1000d }', `${sandboxes}copies:\n  - { name: offsite, resources: [db], to: [other], keep: ${o.keep}, lag: ${o.lag}${o.policy ?? ''} }\n${o.extra ?? ''}`);
}
