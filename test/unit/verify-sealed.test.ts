import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../../src/domain/index.js';
import { createSigner, createVerifier, generateLedgerKeyPair, parsePrivateKey, parsePublicKey, type Seal, type Witness } from '../../src/ledger/index.js';
import { GENESIS_HASH, hashRecord, recordLine, sealRecord, type LedgerRecord } from '../../src/ledger/record.js';
import { makeSeal } from '../../src/ledger/seal.js';
import { guardTail } from '../../src/ledger/sealing.js';
import { verifySealed } from '../../src/ledger/verify-sealed.js';

const keyPair = () => {
  const p = generateLedgerKeyPair();
  const pub = parsePublicKey(p.publicKey);
  return { verifier: createVerifier(pub), signer: createSigner(parsePrivateKey(p.privateKeyPem, 'test'), pub, 'test') };
};
const mine = keyPair();
const theirs = keyPair();
const at = new Date(Date.UTC(2026, 10, 22));

function chain(n: number, signFrom = 1, signer = mine.signer): LedgerRecord[] {
  const out: LedgerRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const r = sealRecord({ type: 't', subject: `s${i}`, data: { i } }, i, at, prev, i >= signFrom ? signer : undefined);
    out.push(r);
    prev = r.hash;
  }
  return out;
}
const lines = (rs: LedgerRecord[]) => rs.map((r, i) => ({ position: i + 1, text: recordLine(r).trimEnd() }));
const headOf = (rs: LedgerRecord[], signer = mine.signer) => makeSeal(rs[rs.length - 1]!, at, signer);
const witnessHolding = (seal: Seal | undefined | Error): Witness => ({
  where: 'test witness',
  read: async () => {
    if (seal instanceof Error) throw seal;
    return seal;
  },
  advance: async () => undefined,
});

describe('sealed ledger verification', () => {
  it('passes a signed chain, its head and its witness, and says what it checked', async () => {
    const rs = chain(4);
    const r = await verifySealed(lines(rs), headOf(rs), { verifier: mine.verifier, witness: witnessHolding(headOf(rs)) }, 'head.json');
    expect(r.ok).toBe(true);
    expect(r.checked).toEqual({
      signatures: { key: mine.verifier.kid, signed: 4, unsigned: 0, valid: 4, sealedFrom: 1 },
      head: { state: 'present', seq: 4, at: at.toISOString(), signature: 'valid' },
      witness: { where: 'test witness', state: 'present', seq: 4, at: at.toISOString(), signature: 'valid' },
    });
  });

  it('fails records and seals signed by another key', async () => {
    const rs = chain(3);
    rs.push(sealRecord({ type: 't', subject: 'x', data: {} }, 4, at, rs[2]!.hash, theirs.signer));
    const r = await verifySealed(lines(rs), headOf(rs, theirs.signer), { verifier: mine.verifier }, 'head.json');
    expect(r.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['bad-signature', 4],
      ['bad-signature', 4],
    ]);
    expect(r.problems[0]!.message).toMatch(new RegExp(`signed by key ${theirs.verifier.kid}, not by the configured key ${mine.verifier.kid}`));
  });

  it('fails a record whose signature was removed (its key id stays in the hash)', async () => {
    const rs = chain(3);
    const { sig: _removed, ...stripped } = rs[1]!;
    rs[1] = stripped;
    const r = await verifySealed(lines(rs), headOf(rs), { verifier: mine.verifier }, 'head.json');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'unsigned', seq: 2, message: expect.stringMatching(/carries no signature: it was removed/) })]);
  });

  it('fails an unsigned head once records are signed', async () => {
    const rs = chain(3);
    const r = await verifySealed(lines(rs), { seq: 3, hash: rs[2]!.hash }, { verifier: mine.verifier }, 'head.json');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'unsigned', message: expect.stringMatching(/the head seal \(head\.json\) \(#3\) is not signed/) })]);
  });

  it('fails a seal whose signature does not cover what it says', async () => {
    const rs = chain(3);
    const r = await verifySealed(lines(rs), { ...headOf(rs), at: '2030-01-01T00:00:00.000Z' }, { verifier: mine.verifier }, 'head.json');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'bad-signature', message: expect.stringMatching(/does not verify/) })]);
  });

  it('names a ledger rewritten under its witness, and an unreadable witness', async () => {
    const rs = chain(4);
    const witnessed = headOf(rs.slice(0, 3));
    const rewritten = chain(4).map((r) => r);
    const forged = { ...rs[2]!, data: { i: 333 } };
    rewritten[2] = { ...forged, hash: hashRecord(forged) };
    const r = await verifySealed(lines(rewritten), undefined, { witness: witnessHolding(witnessed) }, 'head.json');
    expect(r.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['forked', 'head-missing']));
    const bad = await verifySealed(lines(rs), headOf(rs), { witness: witnessHolding(new LifeboatError('LEDGER_TAMPERED', 'the ledger witness x does not hold a seal')) }, 'head.json');
    expect(bad.problems).toEqual([expect.objectContaining({ kind: 'witness-unreadable' })]);
  });

  it('keeps an old unsigned ledger verifiable with a clear status, and the signed part strict', async () => {
    const legacy = chain(3, Infinity);
    const r = await verifySealed(lines(legacy), { seq: 3, hash: legacy[2]!.hash }, { verifier: mine.verifier }, 'head.json');
    expect(r.ok).toBe(true);
    expect(r.notes.join()).toMatch(/no record is signed.*status: unsigned/);
    const mixed = chain(5, 3);
    const m = await verifySealed(lines(mixed), headOf(mixed), { verifier: mine.verifier }, 'head.json');
    expect(m.ok).toBe(true);
    expect(m.checked?.signatures).toMatchObject({ signed: 3, unsigned: 2, sealedFrom: 3 });
    expect(m.notes.join()).toMatch(/records before #3 were written before signing began/);
  });

  it('without a key, reports signatures as not checked and still compares with the witness', async () => {
    const rs = chain(3);
    const r = await verifySealed(lines(rs.slice(0, 2)), headOf(rs.slice(0, 2)), { witness: witnessHolding(headOf(rs)) }, 'head.json');
    expect(r.checked?.signatures).toEqual({ key: undefined, signed: 2, unsigned: 0, valid: 0, sealedFrom: 1 });
    expect(r.checked?.head.signature).toBe('not-checked');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 3 })]);
  });
});

describe('appending onto a cut ledger', () => {
  it('is refused when the head or the witness is ahead of the ledger or names another record', async () => {
    const rs = chain(3);
    await expect(guardTail('x', rs[1], headOf(rs), undefined)).rejects.toThrow(/ends at #2 but its head says #3 was written/);
    await expect(guardTail('x', rs[2], undefined, witnessHolding({ seq: 3, hash: 'f'.repeat(64) }))).rejects.toThrow(/is not the one its witness \(test witness\) sealed/);
    await expect(guardTail('x', undefined, undefined, witnessHolding(headOf(rs)))).rejects.toMatchObject({ code: 'LEDGER_TAMPERED' });
    await expect(guardTail('x', rs[2], headOf(rs.slice(0, 2)), witnessHolding(headOf(rs.slice(0, 1))))).resolves.toBeUndefined();
  });
});
