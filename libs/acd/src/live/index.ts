export * from './queue-day-stats';
export * from './queue-stall';
export * from './queue-waiting';
export * from './keyed-throttle';
export * from './queue-live-state.service';
