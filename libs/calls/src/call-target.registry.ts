import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { StartupError } from '@callplane/core';
import { CALL_TARGET_HANDLERS, CallTargetHandler } from './call-target';

/**
 * Finds every {@link CallTargetHandler} of the application at boot: any provider whose
 * instance extends CallTargetHandler (e.g. `AcdService`), and whatever is provided under the
 * {@link CALL_TARGET_HANDLERS} token (one handler or an array). Two different handlers for one
 * target type fail startup.
 */
@Injectable()
export class CallTargetRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, CallTargetHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const candidates = wrapper.token === CALL_TARGET_HANDLERS && Array.isArray(instance) ? instance : [instance];
      for (const c of candidates) if (c instanceof CallTargetHandler) this.register(c);
    }
  }

  /** Adds a handler (also usable by hosts wiring handlers by hand). @throws StartupError on a duplicate target type */
  register(handler: CallTargetHandler): void {
    const existing = this.handlers.get(handler.targetType);
    if (existing && existing !== handler) {
      throw new StartupError(`Two call target handlers for target type "${handler.targetType}": ${existing.constructor.name} and ${handler.constructor.name}. Provide only one.`);
    }
    this.handlers.set(handler.targetType, handler);
  }

  /** The handler for a target type, if any. */
  get(targetType: string): CallTargetHandler | undefined {
    return this.handlers.get(targetType);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
