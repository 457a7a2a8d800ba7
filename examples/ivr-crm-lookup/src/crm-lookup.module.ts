import { DynamicModule, Module } from '@nestjs/common';
import { CrmLookupNode } from './crm-lookup.node';
import { CRM_LOOKUP_OPTIONS, CrmLookupOptions } from './crm-lookup.options';

/**
 * Adds the `crm-lookup` IVR node type. Import it into the app beside IvrModule (callplane:
 * `createControlPlane(config, { extensions: [CrmLookupModule.forRoot({ url })] })`); IvrModule's
 * registry discovers the node at boot. Nothing else to wire.
 */
@Module({})
export class CrmLookupModule {
  static forRoot(options: CrmLookupOptions): DynamicModule {
    return {
      module: CrmLookupModule,
      providers: [{ provide: CRM_LOOKUP_OPTIONS, useValue: options }, CrmLookupNode],
    };
  }
}
