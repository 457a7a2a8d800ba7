/**
 * `npm run bench:live` (bench/live/live.bench.ts): the live benchmark runs through ts-jest like the
 * live suite, so it uses test/live/support (real PBX instances, callplane as a process, sipp) from
 * source. One file, one worker: the sweep needs the machine's cores to itself as far as possible.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('../../tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  rootDir: '../..',
  roots: ['<rootDir>/bench/live'],
  testMatch: ['**/*.bench.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  // A full sweep of both PBXes takes ~10 min; a stuck step must still end.
  testTimeout: 60 * 60 * 1000,
  maxWorkers: 1,
};
