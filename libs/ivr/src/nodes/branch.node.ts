import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrNodeTarget, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { calendarSchema, hhmm, inRange, isOpen, localTime, timeZoneSchema, WEEKDAYS } from './business-hours';
import { testLinearPattern } from './linear-pattern';
import { nodeRef, regexSource, variableName } from './node-schema';

/** Tests on a string; all given tests must hold. */
const stringTest = z
  .object({ equals: z.string().optional(), notEquals: z.string().optional(), prefix: z.string().optional(), matches: regexSource.optional(), in: z.array(z.string()).optional(), exists: z.boolean().optional() })
  .strict();

const conditionKinds = {
  variable: stringTest.extend({ variable: variableName }).strict(),
  callerNumber: z.object({ callerNumber: stringTest }).strict(),
  calledNumber: z.object({ calledNumber: stringTest }).strict(),
  time: z.object({ time: z.object({ from: hhmm, to: hhmm, days: z.array(z.enum(WEEKDAYS)).optional() }).strict() }).strict(),
  /** true: matches while the node's calendar is open; false: while closed. */
  businessHours: z.object({ businessHours: z.boolean() }).strict(),
};
type Condition = z.infer<(typeof conditionKinds)[keyof typeof conditionKinds]>;
const CONDITION_KINDS = Object.keys(conditionKinds) as (keyof typeof conditionKinds)[];

/**
 * One condition, its kind picked by its key. Not `z.union`: that tries every kind in turn and
 * builds (and drops) an issue list for each miss, the largest cost of validating a big flow
 * (issue 13); picking by key also names the failing field of the intended kind.
 */
const condition = z
  .object({})
  .passthrough()
  .transform((when, ctx): Condition => {
    const kind = CONDITION_KINDS.find((k) => k in when);
    if (!kind) {
      ctx.addIssue({ code: 'custom', message: `needs one of: ${CONDITION_KINDS.join(', ')}` });
      return z.NEVER;
    }
    const parsed = conditionKinds[kind].safeParse(when);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue(issue);
    return z.NEVER;
  });
type StringTest = z.infer<typeof stringTest>;

export const branchConfigSchema = z
  .object({
    /** IANA zone in which `time` and `businessHours` are read. Default UTC. */
    timeZone: timeZoneSchema.default('UTC'),
    calendar: calendarSchema.optional(),
    /** First matching condition wins. */
    conditions: z.array(z.object({ when: condition, next: nodeRef }).strict()).default([]),
    default: nodeRef,
  })
  .strict()
  .superRefine((cfg, ctx) => {
    cfg.conditions.forEach((c, i) => {
      if ('businessHours' in c.when && !cfg.calendar) ctx.addIssue({ code: 'custom', path: ['conditions', i, 'when', 'businessHours'], message: 'needs a "calendar" on this node' });
    });
  });
export type BranchConfig = z.infer<typeof branchConfigSchema>;

/** `branch`: first matching condition on variables, numbers, time of day or business hours; else `default`. */
@IvrNode()
@Injectable()
export class BranchNode implements IvrNodeHandler<BranchConfig> {
  readonly type = 'branch';
  readonly configSchema = branchConfigSchema;

  async execute(ctx: IvrContext, cfg: BranchConfig): Promise<IvrTransition> {
    const index = cfg.conditions.findIndex((c) => this.matches(ctx, cfg, c.when));
    return index >= 0 ? { next: cfg.conditions[index].next, result: `condition-${index}` } : { next: cfg.default, result: 'default' };
  }

  targets(cfg: BranchConfig): IvrNodeTarget[] {
    return [...cfg.conditions.map((c, i) => ({ field: `conditions.${i}.next`, nodeId: c.next })), { field: 'default', nodeId: cfg.default }];
  }

  private matches(ctx: IvrContext, cfg: BranchConfig, when: Condition): boolean {
    if ('variable' in when) return testString(ctx.variables[when.variable], when);
    if ('callerNumber' in when) return testString(ctx.callerNumber, when.callerNumber);
    if ('calledNumber' in when) return testString(ctx.calledNumber, when.calledNumber);
    if ('time' in when) {
      const local = localTime(ctx.now(), cfg.timeZone);
      return (!when.time.days || when.time.days.includes(local.weekday)) && inRange(local.minutes, when.time.from, when.time.to);
    }
    return isOpen(cfg.calendar!, ctx.now(), cfg.timeZone) === when.businessHours;
  }
}

function testString(value: string | undefined, t: StringTest): boolean {
  if (t.exists !== undefined && (value !== undefined && value !== '') !== t.exists) return false;
  const v = value ?? '';
  if (t.equals !== undefined && v !== t.equals) return false;
  if (t.notEquals !== undefined && v === t.notEquals) return false;
  if (t.prefix !== undefined && !v.startsWith(t.prefix)) return false;
  if (t.in !== undefined && !t.in.includes(v)) return false;
  if (t.matches !== undefined && !testLinearPattern(t.matches, v)) return false;
  return true;
}
