import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/ledger/index.js';
import { GENESIS_HASH, hashRecord, recordLine, sealRecord, type LedgerRecord } from '../../src/ledger/record.js';

function chain(n: number): LedgerRecord[] {
  const out: LedgerRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const r = sealRecord({ type: 't', subject: `s${i}`, data: { i } }, i, new Date(Date.UTC(2026, 10, 22, 0, i)), prev);
    out.push(r);
    prev = r.hash;
  }
  return out;
}
const lines = (rs: LedgerRecord[]) => rs.map((r, i) => ({ position: i + 1, text: recordLine(r).trimEnd() }));

describe('ledger chain verification', () => {
  it('passes an intact chain', () => {
    const r = verifyChain(lines(chain(5)));
    expect(r.ok).toBe(true);
    expect(r.records).toBe(5);
  });

  it('names an edited record', () => {
    const rs = chain(5);
    rs[2] = { ...rs[2]!, data: { i: 999 } };
    const r = verifyChain(lines(rs));
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'edited', position: 3, seq: 3 })]);
  });

  it("names a record edited with its hash recomputed, through the next record's link", () => {
    const rs = chain(5);
    const forged = { ...rs[2]!, data: { i: 999 } };
    rs[2] = { ...forged, hash: hashRecord(forged) };
    const r = verifyChain(lines(rs));
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'chain-broken', position: 4 })]);
    expect(r.problems[0]!.message).toMatch(/#3 was replaced/);
  });

  it('names a deleted record', () => {
    const rs = chain(5);
    rs.splice(1, 1);
    const r = verifyChain(lines(rs));
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'deleted', seq: 2, position: 2 })]);
  });

  it('names reordered records', () => {
    const rs = chain(5);
    [rs[1], rs[2]] = [rs[2]!, rs[1]!];
    const r = verifyChain(lines(rs));
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'reordered', position: 3, seq: 2 }));
  });

  it('names an inserted record', () => {
    const rs = chain(5);
    const fake = sealRecord({ type: 't', subject: 'fake', data: {} }, 3, new Date(), rs[1]!.hash);
    rs.splice(2, 0, fake);
    const r = verifyChain(lines(rs));
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'inserted', seq: 3 }));
  });

  it('names an unreadable line', () => {
    const ls = lines(chain(3));
    ls[1] = { position: 2, text: 'garbage' };
    expect(verifyChain(ls).problems).toContainEqual(expect.objectContaining({ kind: 'unreadable', position: 2 }));
  });

  it('finds records cut off the end against the acknowledged head', () => {
    const rs = chain(5);
    const r = verifyChain(lines(rs.slice(0, 3)), { seq: 5, hash: rs[4]!.hash });
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 5 })]);
  });
});
