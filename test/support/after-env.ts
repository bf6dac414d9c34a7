import { runCleanups } from './cleanup';

// Registered before any test file's hooks: stops whatever the file left running.
afterAll(runCleanups, 60_000);
