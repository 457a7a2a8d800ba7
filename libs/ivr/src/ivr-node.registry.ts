import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { createLogger, StartupError } from '@callplane/core';
import { IvrDuplicateNodeTypeError } from './ivr.errors';
import { IvrNode } from './ivr-node.decorator';
import type { IvrNodeHandler } from './ivr-node.handler';

/**
 * Every IVR node type of the app, by type name. At module init it discovers all providers
 * marked with {@link IvrNode} (built-in ones in IvrModule and those of extension modules alike).
 * @throws IvrDuplicateNodeTypeError (a StartupError) at boot when two providers declare the same type
 */
@Injectable()
export class IvrNodeRegistry implements OnModuleInit {
  private readonly log = createLogger('ivr-nodes');
  private readonly handlers = new Map<string, { handler: IvrNodeHandler; source: string }>();

  constructor(@Optional() private readonly discovery?: DiscoveryService) {}

  /** A registry over a fixed list (tests, tools) without Nest. */
  static of(handlers: IvrNodeHandler[]): IvrNodeRegistry {
    const registry = new IvrNodeRegistry();
    for (const h of handlers) registry.register(h, h.constructor.name);
    return registry;
  }

  onModuleInit(): void {
    if (!this.discovery) return;
    for (const wrapper of this.discovery.getProviders({ metadataKey: IvrNode.KEY })) {
      const instance = wrapper.instance as IvrNodeHandler | undefined;
      if (!instance) continue;
      const source = `${wrapper.name?.toString() ?? instance.constructor.name} in ${wrapper.host?.name ?? 'unknown module'}`;
      this.register(instance, source);
    }
    this.log.info({ types: this.types() }, 'IVR node types registered');
  }

  /** @throws IvrDuplicateNodeTypeError when the type is taken */
  register(handler: IvrNodeHandler, source: string): void {
    if (typeof handler.type !== 'string' || !handler.type) throw new StartupError(`IVR node provider ${source} has no type name: give it a unique type name.`);
    const existing = this.handlers.get(handler.type);
    if (existing) throw new IvrDuplicateNodeTypeError(handler.type, existing.source, source);
    this.handlers.set(handler.type, { handler, source });
  }

  get(type: string): IvrNodeHandler | undefined {
    return this.handlers.get(type)?.handler;
  }

  types(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
