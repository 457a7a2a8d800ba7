import { Injectable } from '@nestjs/common';
import { PbxDriverFactory, type PbxDriverOptions, type PbxNodeConfig } from '@callplane/pbx';
import { AsteriskDriver } from './asterisk.driver';

/** Builds an {@link AsteriskDriver} for each PBX node of type `asterisk`. */
@Injectable()
export class AsteriskDriverFactory extends PbxDriverFactory {
  readonly type = 'asterisk' as const;

  /** @throws Error when the node's connection is not an Asterisk one */
  create(node: PbxNodeConfig, options: PbxDriverOptions): AsteriskDriver {
    return new AsteriskDriver(node, options);
  }
}
