// ESM-only packages (NestJS 12, Octokit, jose, …) are transformed to CommonJS like our sources.
const ESM_PACKAGES = [
  '@nestjs',
  '@octokit',
  'jose',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  'universal-user-agent',
  'before-after-hook',
  'content-type',
  'fast-content-type-parse',
  'toad-cache',
  'json-with-bigint',
  'universal-github-app-jwt',
];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // These declare only an `import` export condition, which Jest's resolver does not use.
    '^@octokit/(auth-unauthenticated|webhooks-methods)$':
      '<rootDir>/node_modules/@octokit/$1/dist-node/index.js',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/after-env.ts'],
  testTimeout: 30000,
};
