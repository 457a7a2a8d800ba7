export * from './pbx.types';
export * from './pbx-event';
export * from './pbx.errors';
export * from './pbx-driver';
export * from './pbx-drivers.registry';
export * from './prompt';
export * from './q850';
export * from './wire-value.guard';
