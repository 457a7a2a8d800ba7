import type { PbxDriver, PbxEventListener } from './pbx-driver';
import type { PbxDriverOptions, PbxHealth, PbxNodeConfig, PbxType } from './pbx.types';
import { PbxUnavailableError } from './pbx.errors';

/** Builds a driver for one node of its PBX type. Adapters provide one each. */
export abstract class PbxDriverFactory {
  abstract readonly type: PbxType;
  abstract create(node: PbxNodeConfig, options: PbxDriverOptions): PbxDriver;
}

/** DI token: the list of {@link PbxDriverFactory} the app wires in. */
export const PBX_DRIVER_FACTORIES = Symbol('PBX_DRIVER_FACTORIES');

/**
 * All running drivers, by node id, with one merged event stream. Services above the port ask
 * it for `driver(nodeId)` to send a command to the node a call lives on.
 */
export class PbxDrivers {
  private readonly drivers = new Map<string, PbxDriver>();
  private readonly listeners = new Set<PbxEventListener>();
  private readonly detach = new Map<string, () => void>();

  constructor(private readonly factories: PbxDriverFactory[], private readonly options: PbxDriverOptions) {}

  /** Create and start a driver for `node` (replacing one with the same id). */
  async add(node: PbxNodeConfig): Promise<PbxDriver> {
    await this.remove(node.id);
    const factory = this.factories.find((f) => f.type === node.connection.type);
    if (!factory) throw new PbxUnavailableError(node.id, `no driver for PBX type ${node.connection.type}`);
    const driver = factory.create(node, this.options);
    this.drivers.set(node.id, driver);
    this.detach.set(node.id, driver.onEvent((e) => this.listeners.forEach((l) => l(e))));
    await driver.start();
    return driver;
  }

  async remove(nodeId: string): Promise<void> {
    const driver = this.drivers.get(nodeId);
    if (!driver) return;
    this.detach.get(nodeId)?.();
    this.detach.delete(nodeId);
    this.drivers.delete(nodeId);
    await driver.stop();
  }

  /** @throws PbxUnavailableError when no driver runs for the node */
  driver(nodeId: string): PbxDriver {
    const d = this.drivers.get(nodeId);
    if (!d) throw new PbxUnavailableError(nodeId, 'no driver running for this node');
    return d;
  }

  all(): PbxDriver[] {
    return [...this.drivers.values()];
  }

  health(): PbxHealth[] {
    return this.all().map((d) => d.health());
  }

  /** Events of every node. Returns the unsubscribe function. */
  onEvent(listener: PbxEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.drivers.keys()].map((id) => this.remove(id)));
  }
}
