export * from './wait-for';
export * from './pbx-driver.contract';
export * from './pbx-driver-wire-safety.contract';
