import { parse } from 'yaml';
import { z } from 'zod';

/**
 * A scripted traffic scenario for the simulators (YAML or JSON), e.g. scenarios/demo.yaml.
 * Times are ms; `calls[].at` is relative to the scenario start, `dtmf[].at` and
 * `hangupAfterMs` to the moment the call reached callplane's app.
 */
export const scenarioSchema = z.object({
  name: z.string().default('scenario'),
  endpoints: z
    .array(
      z.object({
        resource: z.string().min(1),
        ringAfterMs: z.number().int().nonnegative().optional(),
        /** null = never answers. */
        answerAfterMs: z.number().int().nonnegative().nullable().optional(),
        busy: z.boolean().optional(),
        /** Register this many ms after the start (default 0); unregister after `unregisterAtMs`. */
        registerAtMs: z.number().int().nonnegative().default(0),
        unregisterAtMs: z.number().int().nonnegative().optional(),
      }),
    )
    .default([]),
  calls: z
    .array(
      z.object({
        at: z.number().int().nonnegative().default(0),
        from: z.string().min(1),
        fromName: z.string().optional(),
        to: z.string().min(1),
        dtmf: z.array(z.object({ at: z.number().int().nonnegative(), digits: z.string().regex(/^[0-9*#A-D]+$/) })).default([]),
        /** The caller hangs up after this many ms (unless callplane ended the call first); absent = stays until callplane hangs up. */
        hangupAfterMs: z.number().int().positive().optional(),
        /** Place this call `repeat` times, `everyMs` apart. */
        repeat: z.number().int().positive().default(1),
        everyMs: z.number().int().positive().default(1000),
      }),
    )
    .default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;

/**
 * Parses a scenario file's text (YAML, which includes JSON).
 * @throws Error naming the failing field (zod issue path) when the scenario is invalid
 */
export function parseScenario(text: string): Scenario {
  const result = scenarioSchema.safeParse(parse(text));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid scenario: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}
