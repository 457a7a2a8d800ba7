export * from './wait-for';
export * from './pbx-driver.contract';
