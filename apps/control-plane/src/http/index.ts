export * from './http-api.module';
export * from './setup-http-app';
export * from './http-exception.filter';
export * from './request-validation';
export * from './openapi';
