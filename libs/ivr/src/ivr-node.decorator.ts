import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as an IVR node type (it must implement IvrNodeHandler). Made with Nest 11's
 * `DiscoveryService.createDecorator()`; IvrNodeRegistry finds every provider carrying it at boot,
 * in any module of the app.
 *
 * ```ts
 * @IvrNode()
 * @Injectable()
 * export class CrmLookupNode implements IvrNodeHandler<CrmLookupConfig> { readonly type = 'crm-lookup'; … }
 * ```
 */
export const IvrNode = DiscoveryService.createDecorator<void>();
