export * from './crm-lookup.options';
export * from './crm-lookup.node';
export * from './crm-lookup.module';
