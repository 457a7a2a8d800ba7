import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { IvrNodeRegistry } from './ivr-node.registry';
import { IvrNode } from './ivr-node.decorator';
import type { IvrNodeHandler } from './ivr-node.handler';
import { IvrDuplicateNodeTypeError } from './ivr.errors';
import { BUILT_IN_IVR_NODES } from './nodes';

@IvrNode()
@Injectable()
class PinCheckNode implements IvrNodeHandler<{ next: string }> {
  readonly type = 'pin-check';
  readonly configSchema = z.object({ next: z.string() });
  async execute(_ctx: unknown, cfg: { next: string }) {
    return { next: cfg.next };
  }
}

@IvrNode()
@Injectable()
class AnotherMenuNode extends PinCheckNode {
  override readonly type = 'menu' as never;
}

@Module({ providers: [PinCheckNode] })
class PinCheckModule {}

@Module({ providers: [AnotherMenuNode] })
class ClashingModule {}

async function boot(imports: unknown[]) {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule, ...(imports as never[])], providers: [IvrNodeRegistry, ...BUILT_IN_IVR_NODES] }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe(IvrNodeRegistry.name, () => {
  it('discovers the built-in node types and those of extension modules through the decorator', async () => {
    const moduleRef = await boot([PinCheckModule]);
    const sut = moduleRef.get(IvrNodeRegistry);
    expect(sut.types()).toEqual(['branch', 'gather', 'goto', 'hangup', 'http', 'menu', 'pin-check', 'play', 'queue', 'set', 'transfer', 'voicemail']);
    expect(sut.get('pin-check')).toBeInstanceOf(PinCheckNode);
    await moduleRef.close();
  });

  it('fails startup when two providers declare the same type, naming both', async () => {
    const err: unknown = await boot([ClashingModule]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IvrDuplicateNodeTypeError);
    expect((err as Error).name).toBe('StartupError');
    expect((err as Error).message).toMatch(/IVR node type "menu" is registered twice \(by (MenuNode|AnotherMenuNode) in .+ and by (MenuNode|AnotherMenuNode) in .+\)/);
  });
});
