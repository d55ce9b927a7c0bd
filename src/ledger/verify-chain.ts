import { GENESIS_HASH, hashRecord, parseRecordLine, type LedgerRecord } from './record.js';
import type { VerifyProblem, VerifyReport } from './ledger.js';

interface Seen {
  position: number;
  seq: number;
  hash: string;
  prev: string;
  selfOk: boolean;
}

/** What the backend last acknowledged writing: catches records cut off the end. */
export interface HeadAnchor {
  seq: number;
  hash: string;
}

/**
 * Checks a ledger's lines and names every problem by position. Each record's own hash
 * catches an edit; sequence numbers tell a deletion, an insertion and a reordering apart;
 * the prev links catch a record swapped for a forged one that kept its number.
 */
export function verifyChain(lines: Iterable<{ position: number; text: string }>, head?: HeadAnchor, onRecord?: (r: LedgerRecord, position: number) => void): VerifyReport {
  const problems: VerifyProblem[] = [];
  const seen: Seen[] = [];
  for (const { position, text } of lines) {
    const r = parseRecordLine(text);
    if (!r) {
      problems.push({ kind: 'unreadable', position, message: `line ${position} is not a ledger record` });
      continue;
    }
    onRecord?.(r, position);
    const selfOk = hashRecord(r) === r.hash;
    if (!selfOk) problems.push({ kind: 'edited', position, seq: r.seq, message: `record #${r.seq} at line ${position} was edited: its content no longer matches its hash` });
    seen.push({ position, seq: r.seq, hash: r.hash, prev: r.prev, selfOk });
  }

  const bySeq = new Map<number, Seen[]>();
  for (const s of seen) bySeq.set(s.seq, [...(bySeq.get(s.seq) ?? []), s]);
  for (const [seq, list] of bySeq) {
    for (const extra of list.slice(1)) {
      problems.push({ kind: 'inserted', position: extra.position, seq, message: `record #${seq} at line ${extra.position} was inserted: line ${list[0]!.position} already holds #${seq}` });
    }
  }
  const maxSeq = seen.reduce((m, s) => Math.max(m, s.seq), 0);
  const lastPosBefore = (seq: number) => {
    for (let k = seq - 1; k >= 1; k--) {
      const at = bySeq.get(k);
      if (at) return at[0]!.position;
    }
    return 0;
  };
  for (let seq = 1; seq <= maxSeq; seq++) {
    if (!bySeq.has(seq)) {
      const after = lastPosBefore(seq);
      problems.push({ kind: 'deleted', position: after + 1, seq, message: `record #${seq} was deleted (it belongs ${after ? `after line ${after}` : 'at the start'})` });
    }
  }
  for (let i = 1; i < seen.length; i++) {
    const a = seen[i - 1]!;
    const b = seen[i]!;
    if (b.seq < a.seq && bySeq.get(b.seq)!.length === 1) {
      problems.push({ kind: 'reordered', position: b.position, seq: b.seq, message: `record #${b.seq} at line ${b.position} is out of order: it comes after #${a.seq}` });
    }
  }
  for (let i = 0; i < seen.length; i++) {
    const b = seen[i]!;
    const a = i > 0 ? seen[i - 1] : undefined;
    const expectedPrev = a ? a.hash : GENESIS_HASH;
    const adjacent = a ? b.seq === a.seq + 1 : b.seq === 1;
    if (adjacent && a?.selfOk !== false && b.selfOk && b.prev !== expectedPrev) {
      problems.push({
        kind: 'chain-broken',
        position: b.position,
        seq: b.seq,
        message: a ? `record #${b.seq} at line ${b.position} does not follow line ${a.position}: #${a.seq} was replaced or forged` : `record #${b.seq} at line ${b.position} does not start the chain`,
      });
    }
  }
  const last = seen[seen.length - 1];
  if (head && head.seq > 0) {
    const headRec = bySeq.get(head.seq)?.[0];
    if (!headRec) {
      problems.push({ kind: 'truncated', position: (last?.position ?? 0) + 1, seq: head.seq, message: `records after #${last?.seq ?? 0} up to #${head.seq} are missing from the end` });
    } else if (headRec.hash !== head.hash) {
      problems.push({ kind: 'edited', position: headRec.position, seq: head.seq, message: `record #${head.seq} at line ${headRec.position} differs from the one acknowledged when written` });
    }
  }
  problems.sort((x, y) => x.position - y.position);
  return { ok: problems.length === 0, records: seen.length, headSeq: last?.seq ?? 0, headHash: last?.hash ?? GENESIS_HASH, problems, notes: [] };
}
