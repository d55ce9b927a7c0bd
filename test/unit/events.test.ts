import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/index.js';
import { checkEvent, createEventRecorder, createLocalBus, EVENTS, type LifeboatEvent } from '../../src/events/index.js';

const drillEnd = { drill: 'd', resource: 'r', sandbox: 's', phase: 'passed' as const, backup: null, score: null, phases: { restore: 5 }, checks: [], error: null };

describe('event registry', () => {
  it('knows every event lifeboat writes, and says which are evidence', () => {
    expect(Object.keys(EVENTS).sort()).toEqual([
      'alert.maintenance-ended',
      'alert.maintenance-started',
      'alert.silence-expired',
      'alert.silenced',
      'backup.verdict',
      'copy.already-present',
      'copy.completed',
      'copy.conflict',
      'copy.repaired',
      'copy.source-bad',
      'copy.status-changed',
      'copy.verified',
      'drill.abandoned',
      'drill.attempt-failed',
      'drill.finished',
      'drill.refused',
      'drill.resumed',
      'drill.started',
      'drill.step',
      'drill.superseded',
      'freshness.daily-summary',
      'freshness.status-changed',
      'ledger.verified',
      'sandbox.sweep-failed',
      'sandbox.swept',
      'scrub.completed',
      'scrub.verdict',
    ]);
    expect(
      Object.entries(EVENTS)
        .filter(([, e]) => !e.ledgered)
        .map(([t]) => t)
        .sort(),
    ).toEqual(['backup.verdict', 'drill.step', 'ledger.verified']);
  });

  it('refuses an unknown type and data of the wrong shape, naming the field', () => {
    expect(checkEvent({ type: 'drill.exploded', subject: 'x', data: {} })).toEqual({ ok: false, reason: 'unknown event type drill.exploded' });
    const bad = checkEvent({ type: 'drill.finished', subject: 'x', data: { ...drillEnd, phase: 'great' } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^drill\.finished data: phase: /);
    expect(checkEvent({ type: 'drill.finished', subject: 'x', data: drillEnd })).toMatchObject({ ok: true });
  });
});

describe('event recorder', () => {
  const setup = (bus = createLocalBus(silentLogger)) => {
    const appended: { type: string }[][] = [];
    const order: string[] = [];
    const ledger = {
      appendMany: async (es: readonly { type: string }[]) => {
        order.push('ledger');
        appended.push([...es]);
        return [];
      },
    };
    const heard: LifeboatEvent[] = [];
    bus.subscribe((e) => {
      order.push('bus');
      heard.push(e);
    });
    return { recorder: createEventRecorder({ ledger: ledger as never, bus, logger: silentLogger }), appended, heard, order };
  };

  it('writes evidence to the ledger first, then tells subscribers every event; live-only events skip the ledger', async () => {
    const { recorder, appended, heard, order } = setup();
    await recorder.record('drill.finished', 'run-1', drillEnd);
    await recorder.record('drill.step', 'run-1', { drill: 'd', step: 'restore', at: '2026-12-02T00:00:00.000Z' });
    expect(appended.map((b) => b.map((e) => e.type))).toEqual([['drill.finished']]);
    expect(heard.map((e) => e.type)).toEqual(['drill.finished', 'drill.step']);
    expect(order).toEqual(['ledger', 'bus', 'bus']);
  });

  it('refuses a malformed event before writing anything', async () => {
    const { recorder, appended, heard } = setup();
    await expect(recorder.recordMany([{ type: 'drill.finished', subject: 'ok', data: drillEnd }, { type: 'copy.repaired', subject: 'r', data: { region: 'x' } } as never])).rejects.toThrow(
      /copy\.repaired for r does not fit the registry: copy\.repaired data: key: /,
    );
    expect(appended).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('a failing subscriber or bus never fails the work that recorded the event', async () => {
    const bus = createLocalBus(silentLogger);
    bus.subscribe(() => {
      throw new Error('alert channel down');
    });
    const { recorder, heard } = setup(bus);
    await recorder.record('drill.finished', 'run-1', drillEnd);
    expect(heard).toHaveLength(1);
    const broken = createEventRecorder({ ledger: { appendMany: async () => [] } as never, bus: { publish: () => Promise.reject(new Error('redis down')) }, logger: silentLogger });
    await expect(broken.record('drill.finished', 'run-1', drillEnd)).resolves.toBeUndefined();
  });
});
