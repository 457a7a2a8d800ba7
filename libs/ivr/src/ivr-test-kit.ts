import { InMemoryIvrFlowStore, IvrFlowStore } from './flow/ivr-flow.store';
import type { IvrFlowDefinition } from './flow/ivr-flow.types';
import { IvrFlowsService } from './flow/ivr-flows.service';
import type { IvrNodeHandler } from './ivr-node.handler';
import { IvrNodeRegistry } from './ivr-node.registry';
import { DEFAULT_IVR_OPTIONS, IvrOptions } from './ivr.options';
import { builtInIvrNodes } from './nodes';
import { IvrInterpreter } from './runtime/ivr-interpreter';

/** The IVR core wired by hand (no Nest): registry with the built-ins (+ extra handlers), interpreter, flows service. */
export function ivrTestKit(opts: { extra?: IvrNodeHandler[]; options?: Partial<IvrOptions>; store?: IvrFlowStore } = {}) {
  const options = { ...DEFAULT_IVR_OPTIONS, ...opts.options };
  const registry = IvrNodeRegistry.of([...builtInIvrNodes(options), ...(opts.extra ?? [])]);
  const interpreter = new IvrInterpreter(registry, options);
  const store = opts.store ?? new InMemoryIvrFlowStore();
  const flows = new IvrFlowsService(store, registry, interpreter, undefined, options);
  return { options, registry, interpreter, store, flows };
}

/**
 * The two-level menu of the acceptance test: main menu (1 sales, 2 support), support
 * sub-menu (1 hardware queue, 2 software queue), `0` in the sub-menu goes back.
 */
export function twoLevelMenuFlow(queues: { sales: string; hardware: string; software: string }, timeoutMs = 3000): IvrFlowDefinition {
  return {
    start: 'main',
    nodes: [
      { id: 'main', type: 'menu', prompts: ['sound:main-menu'], invalidPrompts: ['sound:invalid'], timeoutPrompts: ['sound:no-input'], timeoutMs, maxRetries: 2, options: [{ digit: '1', next: 'sales' }, { digit: '2', next: 'support' }], default: 'goodbye' },
      { id: 'support', type: 'menu', prompts: ['sound:support-menu'], invalidPrompts: ['sound:invalid'], timeoutPrompts: ['sound:no-input'], timeoutMs, maxRetries: 2, options: [{ digit: '1', next: 'hardware' }, { digit: '2', next: 'software' }, { digit: '0', next: 'main' }], default: 'goodbye' },
      { id: 'sales', type: 'queue', queue: queues.sales },
      { id: 'hardware', type: 'queue', queue: queues.hardware, priority: 5 },
      { id: 'software', type: 'queue', queue: queues.software },
      { id: 'goodbye', type: 'hangup', prompts: ['sound:goodbye'], cause: 16 },
    ],
  };
}
