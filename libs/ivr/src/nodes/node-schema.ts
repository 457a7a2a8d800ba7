import { z } from 'zod';
import { isPromptUri } from '@callplane/pbx';
import { linearPatternProblem } from './linear-pattern';

/** A node id reference. */
export const nodeRef = z.string().min(1, 'must be a node id');

/** No C0 control character (CR, LF, NUL, TAB, …) nor DEL: what the PBX drivers refuse on the wire. */
const NO_CONTROL_CHARACTERS = /^[^\x00-\x1f\x7f]*$/;

/** A list of PBX-neutral prompt URIs (libs/pbx prompt.ts), each at most 256 characters without control characters. */
export const promptList = z.array(
  z
    .string()
    .refine(
      (v) => v.length <= 256 && NO_CONTROL_CHARACTERS.test(v) && isPromptUri(v),
      (v) => ({ message: `${JSON.stringify(v.slice(0, 80))} is not a prompt URI (sound:, digits:, number:, date:, recording:, tone:, silence:; at most 256 characters, no control characters)` }),
    ),
);

const DIAL_TARGET = /^(?:[0-9A-Za-z+*#._-]|\{\{ *[A-Za-z0-9_.-]+ *\}\})+$/;

/**
 * An extension or number to dial (issue 13): 1–64 dial-string characters `0-9 A-Z a-z + * # . _ -`,
 * or `{{variable}}` placeholders rendered at run time (the driver's guard checks the result).
 * Anything else — a space, CR/LF, `{`, `,`, `&`, `$` — could change what the PBX runs. The
 * pattern runs only on ≤ 64 characters and is linear (its alternatives start with disjoint characters).
 */
export const dialTarget = z
  .string()
  .refine((v) => v.length <= 64 && DIAL_TARGET.test(v), 'must be 1-64 dial-string characters (0-9 A-Z a-z + * # . _ -) or {{variable}} placeholders');

/** A dialplan context (Asterisk extensions.conf / FreeSWITCH dialplan): 1–64 letters, digits, `_ . -`. */
export const dialplanContext = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"');

/** An id of a callplane entity (a queue): 1–128 letters, digits, `_ . : -`. */
export const entityId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be an id: 1-128 letters, digits, "_", ".", ":" or "-"');

/** A DTMF key. */
export const dtmfDigit = z.string().regex(/^[0-9*#]$/, 'must be one DTMF key: 0-9, * or #');

/** Duration in ms with sane bounds. */
export const durationMs = (max = 120_000) => z.number().int().min(0).max(max);

/** Call variable name. */
export const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be a variable name (letters, digits, _ . -)');

/**
 * A regular expression source run by the linear-time engine ({@link compileLinearPattern}, RE2
 * semantics; issue 13: a backtracking engine let `^(a+)+$` stall the process). Refused with the
 * reason: backreferences, lookaround, over {@link MAX_PATTERN_LENGTH} characters.
 */
export const regexSource = z.string().superRefine((p, ctx) => {
  const problem = linearPatternProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
