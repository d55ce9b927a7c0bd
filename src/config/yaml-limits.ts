import { isMap, isPair, isScalar, Lexer, visit, type CST, type Document } from 'yaml';

/**
 * Deepest nesting of collections a config file may use. Real files nest 4-6 levels; the
 * yaml composer, zod and deep-freeze all recurse per level, and near the stack's end V8
 * can abort the whole process (not throw) while compiling a regular expression, so depth
 * is refused before anything recursive sees the document.
 */
export const MAX_YAML_DEPTH = 64;

/** Block collections nest by indentation; no config is indented this far, and the bound keeps block depth small too. */
export const MAX_YAML_INDENT = 256;

/** The lexer's control tokens: markers it inserts, not text from the file. */
const CONTROL = new Set(['\x02', '\x18', '\x1f']);

/**
 * A first, cheap pass over the lexer's tokens, before the parser builds its tree (which
 * costs hundreds of bytes per token and a stack entry per level): refuses a file with
 * more tokens than the budget, flow collections nested past MAX_YAML_DEPTH, or block
 * indentation past MAX_YAML_INDENT, and stops at the first, so its own cost is bounded.
 */
export function scanTokens(text: string, maxTokens: number): { offset: number; message: string } | undefined {
  let count = 0;
  let offset = 0;
  let column = 0;
  let flowDepth = 0;
  for (const token of new Lexer().lex(text)) {
    if (++count > maxTokens) return { offset, message: `YAML: more than ${maxTokens} tokens: too large for a config file (raise LIFEBOAT_CONFIG_MAX_BYTES to allow more)` };
    if (CONTROL.has(token)) continue;
    if (token === '[' || token === '{') {
      if (++flowDepth > MAX_YAML_DEPTH) return { offset, message: `YAML: nested more than ${MAX_YAML_DEPTH} levels deep` };
    } else if (token === ']' || token === '}') {
      flowDepth = Math.max(0, flowDepth - 1);
    } else if (flowDepth === 0) {
      const indent = column === 0 && token[0] === ' ' && /^ +$/.test(token) ? token.length : 0;
      const blockIndicator = (token === '-' || token === '?') && column > MAX_YAML_INDENT;
      if (indent > MAX_YAML_INDENT || blockIndicator) return { offset: offset + (blockIndicator ? 0 : MAX_YAML_INDENT), message: `YAML: indented more than ${MAX_YAML_INDENT} columns` };
    }
    offset += token.length;
    const nl = token.lastIndexOf('\n');
    column = nl < 0 ? column + token.length : token.length - nl - 1;
  }
  return undefined;
}

type Item = { key?: CST.Token | null; value?: CST.Token };

/** The first collection nested deeper than max, found without recursion; its source offset, or undefined. */
export function tooDeepAt(tokens: readonly CST.Token[], max: number): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    const children: (CST.Token | null | undefined)[] = [];
    let d = depth;
    if (token.type === 'document') children.push(token.value);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      d = depth + 1;
      if (d > max) return token.offset;
      for (const item of token.items as Item[]) children.push(item.key, item.value);
    }
    for (const child of children) if (child) stack.push([child, d]);
  }
  return undefined;
}

/**
 * Keys repeated in one mapping, compared as the JavaScript object will see them (so 1 and
 * "1" collide). Done here in one pass: the yaml package's own uniqueKeys check compares
 * every pair of keys, minutes for a mapping with a hundred thousand keys.
 */
export function duplicateKeys(doc: Document): { key: string; offset: number; firstOffset: number }[] {
  const out: { key: string; offset: number; firstOffset: number }[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const at = pair.key.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, at);
        else out.push({ key, offset: at, firstOffset: first });
      }
    },
  });
  return out;
}
