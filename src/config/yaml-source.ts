import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, visit, YAMLParseError, type Document, type Node } from 'yaml';
import { quote, type ConfigIssue } from './config-error.js';
import { DEFAULT_LIMITS, type ConfigLimits } from './limits.js';
import { duplicateKeys, MAX_YAML_DEPTH, scanTokens, tooDeepAt } from './yaml-limits.js';

/** A parsed YAML file that can still tell where each value was written. */
export interface YamlSource {
  file: string;
  data: unknown;
  issues: ConfigIssue[];
  locate(path: ReadonlyArray<PropertyKey>, opts?: { key?: string }): { line: number; column: number } | undefined;
}

/** A file that could not be read or parsed at all: its issues, and nothing to locate in. */
export function unreadableSource(file: string, issues: ConfigIssue[]): YamlSource {
  return { file, data: undefined, issues, locate: () => undefined };
}

/**
 * Parses one file within limits: tokens, flow depth and indentation are checked before the
 * parser builds anything, nesting depth on the parser's output before anything recursive
 * runs, and aliases are counted while expanding, so no file costs more than its limits allow.
 */
export function parseYamlSource(file: string, text: string, limits: ConfigLimits = DEFAULT_LIMITS): YamlSource {
  try {
    return parseWithin(file, text, limits);
  } catch (err) {
    // The limits leave nothing known to throw; should the yaml package still throw, it is
    // this file's problem, reported with its name rather than as a crash.
    return unreadableSource(file, [{ file, path: '', message: `YAML: cannot be parsed: ${quote(err instanceof Error ? err.message : String(err), 200)}` }]);
  }
}

function parseWithin(file: string, text: string, limits: ConfigLimits): YamlSource {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path: '' };
  };
  const refused = scanTokens(text, limits.maxYamlTokens);
  if (refused) {
    // The parser has not run, so the line counter knows no lines yet: count them up to the place.
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < refused.offset; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    return unreadableSource(file, [{ ...at(refused.offset), message: refused.message }]);
  }
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeepAt(tokens, MAX_YAML_DEPTH);
  if (deep !== undefined) return unreadableSource(file, [{ ...at(deep), message: `YAML: nested more than ${MAX_YAML_DEPTH} levels deep` }]);

  const doc = firstDocument(new Composer({ uniqueKeys: false, logLevel: 'error' }).compose(tokens, true, text.length));
  const issues: ConfigIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({ ...at(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` }));
  const duplicates = doc.errors.length ? [] : duplicateKeys(doc);
  for (const d of duplicates) {
    issues.push({ ...at(d.offset), message: `YAML: duplicate key ${quote(d.key)} (first at line ${lineCounter.linePos(d.firstOffset).line}): a key may appear once in a mapping` });
  }
  let data: unknown;
  if (!doc.errors.length && !duplicates.length) {
    try {
      data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      // The yaml package throws for an alias bomb and for an alias to an anchor defined later.
      issues.push({ ...at(aliasOffset(doc, err)), message: `YAML: ${aliasProblem(err, limits.maxAliasCount)}` });
    }
  }
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

/** The file's one document; a second one (after a --- line) is an error, not silently ignored. */
function firstDocument(docs: Iterable<Document.Parsed>): Document.Parsed {
  let first: Document.Parsed | undefined;
  for (const doc of docs) {
    if (first) {
      first.errors.push(new YAMLParseError([doc.range[0], doc.range[1]], 'MULTIPLE_DOCS', 'more than one document in the file (a --- line): a config file holds one'));
      break;
    }
    first = doc;
  }
  return first!;
}

/** Where the alias an expansion error is about sits: the one it names, else the first alias. */
function aliasOffset(doc: Document, err: unknown): number {
  const named = /: (\S+)$/.exec(err instanceof Error ? err.message : '')?.[1];
  let first: number | undefined;
  let match: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (!isAlias(node)) return undefined;
      first ??= node.range?.[0];
      if (node.source !== named) return undefined;
      match = node.range?.[0];
      return visit.BREAK;
    },
  });
  return match ?? first ?? 0;
}

function aliasProblem(err: unknown, max: number): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/excessive alias count/i.test(message)) return `aliases expand to too much data (more than ${max} alias expansions): refusing what looks like an alias bomb`;
  return message.split('\n')[0]!;
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
