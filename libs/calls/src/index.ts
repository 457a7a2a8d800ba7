export * from './call-target';
