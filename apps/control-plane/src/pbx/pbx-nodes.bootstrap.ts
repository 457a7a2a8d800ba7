import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig, createLogger, errorMessage } from '@callplane/core';
import { PbxConnectionConfig, PbxDrivers, PbxNodeConfig } from '@callplane/pbx';
import { PbxNodeEntity } from '@callplane/persistence';

/**
 * At boot: creates (or updates) the PBX nodes named in the environment (ASTERISK_* / FREESWITCH_*,
 * node names `asterisk` / `freeswitch`), then starts a driver for every enabled node. Runs after all
 * modules initialised, so the call engine is already listening when the first
 * `driver.connected` (with its resync snapshot) arrives.
 */
@Injectable()
export class PbxNodesBootstrap implements OnApplicationBootstrap {
  private readonly log = createLogger('pbx-nodes');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(PbxNodeEntity) private readonly nodes: Repository<PbxNodeEntity>,
    private readonly drivers: PbxDrivers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const seed of seedNodesFromConfig(this.config)) {
      const existing = await this.nodes.findOne({ where: { name: seed.name } });
      if (!existing) {
        await this.nodes.save(this.nodes.create({ name: seed.name, type: seed.connection.type, connection: seed.connection, enabled: true }));
        this.log.info({ node: seed.name }, 'PBX node created from environment');
      } else if (JSON.stringify(existing.connection) !== JSON.stringify(seed.connection)) {
        // A node named after an env seed is managed by the environment: the env wins.
        await this.nodes.update(existing.id, { type: seed.connection.type, connection: seed.connection });
        this.log.info({ node: seed.name }, 'PBX node updated from environment');
      }
    }
    const enabled = await this.nodes.find({ where: { enabled: true } });
    // Drivers connect in the background; a node that is down must not hold up the others.
    await Promise.all(
      enabled.map(async (node) => {
        try {
          await this.drivers.add(toNodeConfig(node));
        } catch (err) {
          this.log.error({ node: node.name, err: errorMessage(err) }, 'PBX driver failed to start');
        }
      }),
    );
  }
}

/** The node a driver needs, from its row. */
export function toNodeConfig(node: PbxNodeEntity): PbxNodeConfig {
  return { id: node.id, name: node.name, connection: { ...(node.connection as PbxConnectionConfig), type: node.type } as PbxConnectionConfig };
}

/** PBX nodes described by the environment (README "Configuration"). */
export function seedNodesFromConfig(config: AppConfig): { name: string; connection: PbxConnectionConfig }[] {
  const seeds: { name: string; connection: PbxConnectionConfig }[] = [];
  if (config.ASTERISK_ARI_URL && config.ASTERISK_ARI_PASSWORD) {
    seeds.push({
      name: 'asterisk',
      connection: {
        type: 'asterisk',
        ariUrl: config.ASTERISK_ARI_URL,
        ariUsername: config.ASTERISK_ARI_USERNAME,
        ariPassword: config.ASTERISK_ARI_PASSWORD,
        app: config.ASTERISK_ARI_APP,
        amiHost: config.ASTERISK_AMI_HOST ?? new URL(config.ASTERISK_ARI_URL).hostname,
        amiPort: config.ASTERISK_AMI_PORT,
        amiUsername: config.ASTERISK_AMI_USERNAME,
        amiSecret: config.ASTERISK_AMI_SECRET ?? '',
      },
    });
  }
  if (config.FREESWITCH_ESL_HOST && config.FREESWITCH_ESL_PASSWORD) {
    seeds.push({
      name: 'freeswitch',
      connection: {
        type: 'freeswitch',
        eslHost: config.FREESWITCH_ESL_HOST,
        eslPort: config.FREESWITCH_ESL_PORT,
        eslPassword: config.FREESWITCH_ESL_PASSWORD,
        outboundPort: config.FREESWITCH_OUTBOUND_PORT || undefined,
      },
    });
  }
  return seeds;
}
