import { defineConfig } from 'drizzle-kit';

// Only `generate` needs no database; `studio`/`push` use DATABASE_URL when given.
export default defineConfig({
  out: './drizzle',
  schema: './src/db/schema.ts',
  dialect: 'postgresql',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
});
