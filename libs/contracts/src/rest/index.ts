export * from './domain.types';
export * from './auth.views';
export * from './admin.views';
export * from './calls.views';
export * from './http.views';
export * from './transfers.views';
export * from './supervision.views';
