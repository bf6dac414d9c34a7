// Read by anything that looks at the environment while modules load.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';
