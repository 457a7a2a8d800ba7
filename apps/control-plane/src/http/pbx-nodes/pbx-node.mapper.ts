import type { PbxNodeView } from '@callplane/contracts';
import type { PbxConnectionConfig, PbxHealth, PbxNodeConfig } from '@callplane/pbx';
import type { PbxNodeEntity } from '@callplane/persistence';

/** Connection fields that are secrets: accepted on write, never returned. */
const SECRET = /password|secret/i;

/** The API's view of a node: its connection without secrets, and its driver's health if one runs. */
export function toPbxNodeView(node: PbxNodeEntity, health?: PbxHealth): PbxNodeView {
  const connection: Record<string, string | number | undefined> = {};
  for (const [key, value] of Object.entries(node.connection)) {
    if (!SECRET.test(key)) connection[key] = value as string | number | undefined;
  }
  return { id: node.id, name: node.name, type: node.type, enabled: node.enabled, connection, health: health ? { ...health, since: health.since.toISOString() } : null, createdAt: node.createdAt.toISOString(), updatedAt: node.updatedAt.toISOString() };
}

/** What a driver needs to run the node (`PbxDrivers.add`). */
export function toPbxNodeConfig(node: PbxNodeEntity): PbxNodeConfig {
  return { id: node.id, name: node.name, connection: { ...node.connection, type: node.type } as PbxConnectionConfig };
}
