import type { LoadedConfig } from '../config/index.js';
import type { LifeboatEvent } from '../events/index.js';
import type { Fact } from './types.js';

/**
 * Pure: what an event tells the rules that no state holds. A scrub or a ledger verification stands
 * until the next one; a sandbox the sweep could not remove until it is swept; a refused drill until it starts.
 */
export function foldEvent(facts: Readonly<Record<string, Fact>>, e: LifeboatEvent, now: Date): Record<string, Fact> {
  const at = now.toISOString();
  const next = { ...facts };
  switch (e.type) {
    case 'scrub.completed': {
      const d = e.data as { backupsBad: number; copiesBad: number; backups: number; copies: number };
      next.scrub = { ok: d.backupsBad + d.copiesBad === 0, at, detail: `${d.backupsBad} of ${d.backups} backups and ${d.copiesBad} of ${d.copies} copies changed`, evidence: `scrub.completed ${e.subject}` };
      break;
    }
    case 'ledger.verified': {
      const d = e.data as { ok: boolean; records: number; problems: number };
      next.ledger = { ok: d.ok, at, detail: d.ok ? `${d.records} records intact` : `${d.problems} problem(s) in ${d.records} records of ${e.subject}: run lifeboat ledger verify`, evidence: e.subject };
      break;
    }
    case 'sandbox.sweep-failed': {
      const d = e.data as { lease: string; sandbox: string; database: string; error: string };
      next[`sweep:${d.lease}`] = { ok: false, at, detail: `${d.database} on ${d.sandbox}: ${d.error}`, evidence: d.lease };
      break;
    }
    case 'sandbox.swept':
      delete next[`sweep:${(e.data as { lease: string }).lease}`];
      break;
    case 'drill.refused': {
      const d = e.data as { drill: string; reason: string };
      next[`refused:${d.drill}`] = { ok: false, at, detail: d.reason, evidence: `drill.refused ${d.drill}` };
      break;
    }
    case 'drill.started':
      delete next[`refused:${(e.data as { drill: string }).drill}`];
      break;
    default:
      return facts as Record<string, Fact>;
  }
  return next;
}

/** Whether an event can change a fact (the others only ask for an evaluation). */
export const FACT_EVENTS: ReadonlySet<string> = new Set(['scrub.completed', 'ledger.verified', 'sandbox.sweep-failed', 'sandbox.swept', 'drill.refused', 'drill.started']);

export interface WindowChange {
  type: 'alert.maintenance-started' | 'alert.maintenance-ended';
  resource: string;
  from: string;
  to: string;
  reason: string;
}

/** Pure: maintenance windows that opened or closed since the last evaluation, remembered as facts so each is told once. */
export function maintenanceChanges(facts: Readonly<Record<string, Fact>>, config: LoadedConfig, now: Date): { facts: Record<string, Fact>; events: WindowChange[] } {
  const t = now.getTime();
  const next = { ...facts };
  const events: WindowChange[] = [];
  const open = new Set<string>();
  for (const r of config.resources.values()) {
    for (const w of r.maintenance ?? []) {
      if (Date.parse(w.from) > t || t >= Date.parse(w.to)) continue;
      const key = `maintenance:${r.id}:${w.from}`;
      open.add(key);
      if (next[key]) continue;
      next[key] = { ok: true, at: now.toISOString(), detail: w.reason, evidence: `${w.from}/${w.to}` };
      events.push({ type: 'alert.maintenance-started', resource: r.id, from: w.from, to: w.to, reason: w.reason });
    }
  }
  for (const [key, f] of Object.entries(facts)) {
    if (!key.startsWith('maintenance:') || open.has(key)) continue;
    delete next[key];
    const [from, to] = (f.evidence ?? '/').split('/');
    events.push({ type: 'alert.maintenance-ended', resource: key.split(':')[1]!, from: from!, to: to!, reason: f.detail });
  }
  return { facts: next, events };
}
