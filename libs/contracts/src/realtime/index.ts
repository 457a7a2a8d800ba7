export * from './agents.events';
export * from './supervisors.events';
