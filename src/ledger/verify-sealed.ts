import type { SealSummary, VerifyProblem, VerifyReport } from './ledger.js';
import { recordMessage } from './record.js';
import { checkSeal, type Seal } from './seal.js';
import type { SealingOptions } from './sealing.js';
import { verifyChain } from './verify-chain.js';

interface Seen {
  position: number;
  seq: number;
  hash: string;
  kid?: string;
  sig?: string;
}

/**
 * The whole check behind `ledger verify`: the hash chain, then every record's signature
 * against the configured public key, then the backend's head seal and the witness. The
 * report says what each of them found, so a reader knows what was and was not checked.
 */
export async function verifySealed(lines: Iterable<{ position: number; text: string }>, head: Seal | undefined, sealing: SealingOptions | undefined, headName: string): Promise<VerifyReport> {
  const seen: Seen[] = [];
  const chain = verifyChain(lines, head, (r, position) => seen.push({ position, seq: r.seq, hash: r.hash, kid: r.kid, sig: r.sig }));
  const problems: VerifyProblem[] = [...chain.problems];
  const notes: string[] = [];
  const verifier = sealing?.verifier;
  const end = (seen[seen.length - 1]?.position ?? 0) + 1;

  let signed = 0;
  let valid = 0;
  let sealedFrom: number | undefined;
  for (const r of seen) {
    const at = `record #${r.seq} at line ${r.position}`;
    if (r.sig) {
      signed++;
      sealedFrom ??= r.seq;
      if (!verifier) continue;
      if (r.kid !== verifier.kid) problems.push({ kind: 'bad-signature', position: r.position, seq: r.seq, message: `${at} is signed by key ${r.kid ?? '(none named)'}, not by the configured key ${verifier.kid}` });
      else if (!verifier.verify(recordMessage(r.hash), r.sig)) problems.push({ kind: 'bad-signature', position: r.position, seq: r.seq, message: `${at} has a signature that does not verify: it was forged or altered` });
      else valid++;
    } else if (r.kid) {
      problems.push({ kind: 'unsigned', position: r.position, seq: r.seq, message: `${at} names key ${r.kid} but carries no signature: it was removed` });
    } else if (verifier && sealedFrom !== undefined) {
      problems.push({ kind: 'unsigned', position: r.position, seq: r.seq, message: `${at} is not signed, but records are signed from #${sealedFrom} on: it was written without the key` });
    }
  }
  const unsigned = seen.length - signed;
  if (verifier && seen.length && sealedFrom === undefined) notes.push(`no record is signed: the ledger was written before ledger.publicKey was configured (status: unsigned); appends from now on are signed`);
  else if (verifier && sealedFrom !== undefined && sealedFrom > 1) notes.push(`records before #${sealedFrom} were written before signing began (unsigned)`);
  else if (!verifier && signed) notes.push(`${signed} record(s) carry signatures that were not checked: no ledger.publicKey is configured`);

  const sealProblems = (seal: Seal, name: string): SealSummary['signature'] => {
    const sig = checkSeal(seal, verifier);
    const position = seen.find((r) => r.seq === seal.seq)?.position ?? end;
    if (sig === 'bad-signature') problems.push({ kind: 'bad-signature', position, seq: seal.seq, message: `${name} (#${seal.seq}) has a signature that does not verify: it was forged or altered` });
    if (sig === 'other-key') problems.push({ kind: 'bad-signature', position, seq: seal.seq, message: `${name} (#${seal.seq}) is signed by key ${seal.kid ?? '(none named)'}, not by the configured key ${verifier!.kid}` });
    if (sig === 'unsigned' && verifier && sealedFrom !== undefined && seal.seq >= sealedFrom) {
      problems.push({ kind: 'unsigned', position, seq: seal.seq, message: `${name} (#${seal.seq}) is not signed, but records are signed from #${sealedFrom} on: it was written without the key` });
    }
    return sig;
  };

  const headSummary: SealSummary = head ? { state: 'present', seq: head.seq, at: head.at, signature: sealProblems(head, `the head seal (${headName})`) } : { state: 'empty' };
  if (!head && seen.length) {
    problems.push({ kind: 'head-missing', position: end, message: `the head seal (${headName}) is missing: it is rewritten with every append, so it was deleted (or a crash hit the ledger's very first append; the next append rewrites it)` });
  }

  const witness = sealing?.witness;
  let witnessSummary: SealChecksWitness = { state: 'none' };
  if (witness) {
    try {
      const w = await witness.read();
      witnessSummary = w ? { where: witness.where, state: 'present', seq: w.seq, at: w.at } : { where: witness.where, state: 'empty' };
      if (!w && seen.length) notes.push(`the witness ${witness.where} holds no seal yet: it gets one with the next append`);
      if (w) {
        witnessSummary.signature = sealProblems(w, `the witness seal in ${witness.where}`);
        const sealed = seen.find((r) => r.seq === w.seq);
        const when = w.at ? ` made ${w.at}` : '';
        if (w.seq > 0 && !sealed) {
          problems.push({ kind: 'truncated', position: end, seq: w.seq, message: `records after #${chain.headSeq} up to #${w.seq} are missing: the witness ${witness.where} holds a seal for #${w.seq}${when}` });
        } else if (sealed && sealed.hash !== w.hash) {
          problems.push({ kind: 'forked', position: sealed.position, seq: w.seq, message: `record #${w.seq} at line ${sealed.position} is not the record the witness sealed${when}: the ledger was rewritten from #${w.seq} or before` });
        } else if (sealed && w.seq < chain.headSeq) {
          notes.push(`the witness holds #${w.seq}, the ledger goes on to #${chain.headSeq} (appended after the witness was last written, e.g. a crash in between)`);
        }
      }
    } catch (err) {
      witnessSummary = { where: witness.where, state: 'unreadable' };
      problems.push({ kind: 'witness-unreadable', position: end, message: (err as Error).message });
    }
  }

  problems.sort((x, y) => x.position - y.position);
  return {
    ...chain,
    ok: problems.length === 0,
    problems,
    notes,
    checked: { signatures: { key: verifier?.kid, signed, unsigned, valid, sealedFrom }, head: headSummary, witness: witnessSummary },
  };
}

type SealChecksWitness = SealSummary & { where?: string };
