import { RE2JS } from 're2js';

/** Longest pattern accepted, characters (bounds compile time and memory per pattern). */
export const MAX_PATTERN_LENGTH = 512;

/** Compiled patterns kept, by source (flows are parsed again on every node run). */
const CACHE_SIZE = 500;
const cache = new Map<string, RE2JS>();

/** Why a pattern cannot run here; undefined when it can. */
export function linearPatternProblem(source: string): string | undefined {
  if (source.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    compileLinearPattern(source);
    return undefined;
  } catch (err) {
    // re2js throws RE2JSSyntaxException naming the construct (`invalid escape sequence: \1`).
    return `is not a pattern the linear-time (RE2) engine runs: ${err instanceof Error ? err.message : String(err)} (backreferences and lookaround are not supported)`;
  }
}

/**
 * A regular expression with RE2 semantics (re2js: time linear in the input, no backtracking),
 * for patterns written by admins and run on callers' input (`branch.matches`, `gather.pattern`).
 * Syntax is JavaScript/PCRE-like without backreferences and lookaround; see
 * https://github.com/google/re2/wiki/Syntax.
 * @throws RE2JSSyntaxException (an Error) when the pattern does not compile
 */
export function compileLinearPattern(source: string): RE2JS {
  let re = cache.get(source);
  if (re) return re;
  re = RE2JS.compile(source);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(source, re);
  return re;
}

/** Whether `pattern` matches somewhere in `input` (like `RegExp.prototype.test` without flags). */
export function testLinearPattern(source: string, input: string): boolean {
  return compileLinearPattern(source).matcher(input).find();
}
