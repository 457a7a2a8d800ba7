import type { EndpointState } from '@callplane/pbx';

/**
 * The contacts of each PJSIP endpoint, by URI, from AMI `ContactStatus` (res_pjsip). An endpoint is
 * online while any of its contacts is: a phone that registers again with a new contact gets
 * `Created` for the new one and — with `remove_existing`, after it — `Removed` for the old one
 * (seen on Asterisk 22.10.1 in the live suite), which alone would read as "unregistered".
 */
export class PjsipContacts {
  private readonly byEndpoint = new Map<string, Map<string, EndpointState>>();

  /**
   * Applies one contact change; `removed` drops the contact (`ContactStatus: Removed`), otherwise its
   * state is kept. @returns the endpoint's state and one online contact URI, if any
   */
  apply(change: { endpoint: string; uri?: string; state: EndpointState; removed: boolean }): { state: EndpointState; contact?: string } {
    // Without a URI there is nothing to aggregate: the change is the endpoint's state.
    if (!change.uri) return { state: change.state };
    let contacts = this.byEndpoint.get(change.endpoint);
    if (!contacts) this.byEndpoint.set(change.endpoint, (contacts = new Map()));
    if (change.removed) contacts.delete(change.uri);
    else contacts.set(change.uri, change.state);
    if (contacts.size === 0) this.byEndpoint.delete(change.endpoint);
    for (const [uri, state] of contacts) if (state === 'online') return { state, contact: uri };
    return { state: [...contacts.values()].includes('unknown') ? 'unknown' : 'offline' };
  }
}
