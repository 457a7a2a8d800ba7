/**
 * The live suite (`npm run test:live`): real Asterisk and FreeSWITCH from ../shared/pbx (or the
 * LIVE_* prefixes of test/live/support/live-env.ts), callplane as `node dist/.../main.js`, real SIP
 * phones (baresip) and a sipp carrier. One file at a time: the PBXes, phones and callplane of a file
 * share the machine's two cores, and scenario timings are real SIP timings.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('../../tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  rootDir: '../..',
  roots: ['<rootDir>/test/live'],
  testMatch: ['**/*.live-spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/live/global-setup.ts',
  maxWorkers: 1,
};
