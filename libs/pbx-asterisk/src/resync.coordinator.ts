import { errorMessage, type Logger } from '@callplane/core';
import type { PbxSnapshot } from '@callplane/pbx';

export interface ResyncDeps {
  /** Reads the snapshot and reconciles tracked channels (ends vanished ones, adopts live ones). */
  read: () => Promise<PbxSnapshot>;
  /** Emits `driver.connected`. */
  connected: (snapshot: PbxSnapshot, reconnect: boolean) => void;
  /** Whether a resync can run now (driver started, ARI up). */
  ready: () => boolean;
  log: Logger;
}

/**
 * Runs resyncs one at a time: requests that arrive while one runs cause exactly one more
 * (ARI reconnect, AMI FullyBooted and a second link's reconnect often come together). The
 * first successful resync of the process reports `reconnect: false`, later ones `true`.
 */
export class ResyncCoordinator {
  private running = false;
  private queued = false;
  private everConnected = false;

  constructor(private readonly d: ResyncDeps) {}

  request(): void {
    if (!this.d.ready()) return;
    if (this.running) {
      this.queued = true;
      return;
    }
    void this.run();
  }

  /** Runs now (or joins the queue) and resolves when this round is done. */
  async run(): Promise<void> {
    if (this.running) {
      this.queued = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.queued = false;
        let snapshot: PbxSnapshot;
        try {
          snapshot = await this.d.read();
        } catch (err) {
          // The link dropped again; its reconnect requests the next resync.
          this.d.log.warn({ err: errorMessage(err) }, 'resync failed');
          return;
        }
        const reconnect = this.everConnected;
        this.everConnected = true;
        this.d.log.info({ channels: snapshot.channels.length, bridges: snapshot.bridges.length, reconnect }, 'resynced');
        this.d.connected(snapshot, reconnect);
      } while (this.queued && this.d.ready());
    } finally {
      this.running = false;
    }
  }
}
