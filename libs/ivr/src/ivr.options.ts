/** Tunables of the IVR runtime. */
export interface IvrOptions {
  /** Upper bound for an `http` node's `timeoutMs`, ms (flows asking for more fail validation). Default 10000. */
  httpMaxTimeoutMs: number;
  /** `http` node timeout when the node sets none, ms. Default 3000. */
  httpDefaultTimeoutMs: number;
  /** Loop protection: max nodes one call may execute (gotos included); then the call is hung up. Default 200. */
  maxSteps: number;
}

export const DEFAULT_IVR_OPTIONS: IvrOptions = { httpMaxTimeoutMs: 10_000, httpDefaultTimeoutMs: 3_000, maxSteps: 200 };

/** DI token for {@link IvrOptions}. */
export const IVR_OPTIONS = Symbol('IVR_OPTIONS');
