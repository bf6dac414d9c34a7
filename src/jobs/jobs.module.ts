import { Global, Module } from '@nestjs/common';
import { JobEngine } from './job-engine';

/** The job engine (pg-boss) for every module: queues, workers with retries, cron schedules. */
@Global()
@Module({ providers: [JobEngine], exports: [JobEngine] })
export class JobsModule {}
