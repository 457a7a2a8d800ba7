/** Tunables of the IVR runtime. */
export interface IvrOptions {
  /** Upper bound for an `http` node's `timeoutMs`, ms (flows asking for more fail validation). Default 10000. */
  httpMaxTimeoutMs: number;
  /** `http` node timeout when the node sets none, ms. Default 3000. */
  httpDefaultTimeoutMs: number;
  /** Loop protection: max nodes one call may execute (gotos included); then the call is hung up. Default 200. */
  maxSteps: number;
  /** Most nodes one flow may have; a larger flow is refused on save before its nodes are checked. Default 5000. */
  maxFlowNodes: number;
  /**
   * Host names (`crm.internal`, `*.corp.example`), IP addresses and CIDRs (lower case) the `http`
   * node may reach although they are not public (loopback, private, link-local, …). Default none.
   */
  httpAllow: string[];
  /** Whether the `http` node may reach public (globally routable) addresses not listed in {@link httpAllow}. Default true. */
  httpAllowPublic: boolean;
  /** Largest `http` response body read, bytes. Default 256 KiB. */
  httpMaxBodyBytes: number;
  /** Redirects an `http` GET follows (each target checked again); 0 = none. Default 3. */
  httpMaxRedirects: number;
}

export const DEFAULT_IVR_OPTIONS: IvrOptions = {
  httpMaxTimeoutMs: 10_000,
  httpDefaultTimeoutMs: 3_000,
  maxSteps: 200,
  maxFlowNodes: 5_000,
  httpAllow: [],
  httpAllowPublic: true,
  httpMaxBodyBytes: 256 * 1024,
  httpMaxRedirects: 3,
};

/** DI token for {@link IvrOptions}. */
export const IVR_OPTIONS = Symbol('IVR_OPTIONS');
