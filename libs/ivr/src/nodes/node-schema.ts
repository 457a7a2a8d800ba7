import { z } from 'zod';
import { isPromptUri } from '@callplane/pbx';

/** A node id reference. */
export const nodeRef = z.string().min(1, 'must be a node id');

/** A list of PBX-neutral prompt URIs (libs/pbx prompt.ts). */
export const promptList = z.array(
  z.string().refine(isPromptUri, (v) => ({ message: `"${v}" is not a prompt URI (sound:, digits:, number:, date:, recording:, tone:, silence:)` })),
);

/** A DTMF key. */
export const dtmfDigit = z.string().regex(/^[0-9*#]$/, 'must be one DTMF key: 0-9, * or #');

/** Duration in ms with sane bounds. */
export const durationMs = (max = 120_000) => z.number().int().min(0).max(max);

/** Call variable name. */
export const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be a variable name (letters, digits, _ . -)');

/** A JavaScript regular expression source. */
export const regexSource = z.string().refine((p) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    // The SyntaxError of an admin's pattern is exactly what this refinement reports.
    return false;
  }
}, 'is not a valid regular expression');
