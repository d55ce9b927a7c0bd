import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './config-error.js';

/** A parsed YAML file that can still tell where each value was written. */
export interface YamlSource {
  file: string;
  data: unknown;
  issues: ConfigIssue[];
  locate(path: ReadonlyArray<PropertyKey>, opts?: { key?: string }): { line: number; column: number } | undefined;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, column: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
  });
  const data = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
  return {
    file,
    data,
    issues,
    locate(path, opts) {
      const node = deepestNode(doc, path, opts?.key);
      const offset = node?.range?.[0];
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

/** The node at path, or the nearest ancestor that exists (a missing field is reported at its parent). */
function deepestNode(doc: Document, path: ReadonlyArray<PropertyKey>, key?: string): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    const next = childOf(node, seg, false);
    if (next === undefined) return node as Node | undefined;
    node = next;
  }
  if (key !== undefined) return (childOf(node, key, true) as Node | undefined) ?? (node as Node | undefined);
  return node as Node | undefined;
}

function childOf(node: unknown, seg: PropertyKey, wantKey: boolean): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
    if (!pair) return undefined;
    return wantKey ? pair.key : (pair.value ?? pair.key);
  }
  if (isSeq(node) && typeof seg === 'number') return node.items[seg];
  return undefined;
}
