/**
 * File-name globs (* and ? and [abc]) as a RegExp; no path separators, because patterns match
 * names in one folder, and every other character is itself.
 *
 * Why not picomatch (4.0.7, `makeRe`): its larger syntax changes what a name that backup tools
 * write means. Even with `dot, noextglob, nobrace, nonegate` on, "backup (1).sql" does not
 * match itself (the parentheses become a regular-expression group), "+(a).sql" and
 * "@(a|b).sql" do not match themselves, and "\" escapes where a name has it literally;
 * without those options "shop-{a,b}.sql" matches "shop-a.sql" and "*" skips names starting
 * with a dot. test/unit/name-time-and-glob.test.ts holds these names.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, close).replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export const DEFAULT_PATTERNS = ['*.sql', '*.sql.gz', '*.dump', '*.tar.gz'];
