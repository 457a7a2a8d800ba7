import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { errorMessage } from '@callplane/core';
import type { HealthView } from '@callplane/contracts';
import { PbxDrivers } from '@callplane/pbx';
import { PromptPlayer } from '@callplane/calls';

/** Longest the database ping may take before the DB counts as down, ms. */
export const DB_PING_TIMEOUT_MS = 2000;

/**
 * Liveness of what callplane depends on: the database (a `SELECT 1`) and every PBX driver's
 * links, plus the prompts a PBX could not play (they do not change the status). `down` when the DB fails; `degraded` when any PBX node is not fully `up`; else `ok`.
 */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drivers: PbxDrivers,
    private readonly prompts: PromptPlayer,
  ) {}

  async check(): Promise<HealthView> {
    const db = await this.pingDb();
    const pbx = this.drivers.health().map((h) => ({ ...h, since: h.since.toISOString() }));
    const status = db.status === 'down' ? 'down' : pbx.some((h) => h.status !== 'up') ? 'degraded' : 'ok';
    return { status, db, pbx, prompts: this.prompts.problems() };
  }

  private async pingDb(): Promise<HealthView['db']> {
    if (!this.dataSource.isInitialized) return { status: 'down', error: 'not connected' };
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DB_PING_TIMEOUT_MS} ms`)), DB_PING_TIMEOUT_MS);
      });
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', error: errorMessage(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
