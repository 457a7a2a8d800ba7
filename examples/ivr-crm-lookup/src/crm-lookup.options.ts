/** How the example reaches its CRM. */
export interface CrmLookupOptions {
  /**
   * Lookup URL; `{{callerNumber}}` (URL-encoded) and any call variable may appear, e.g.
   * `https://crm.example.com/api/contacts?phone={{callerNumber}}`. 200 = found (JSON), 404 = not found.
   */
  url: string;
  /** Extra request headers (an API key…). */
  headers?: Record<string, string>;
  /** Per-request timeout, ms (AbortSignal.timeout). Default 2000. */
  timeoutMs?: number;
}

/** DI token for {@link CrmLookupOptions}. */
export const CRM_LOOKUP_OPTIONS = Symbol('CRM_LOOKUP_OPTIONS');
