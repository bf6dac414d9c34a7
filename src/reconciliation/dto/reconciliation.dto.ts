import { IsBoolean } from 'class-validator';
import { BooleanQuery } from '../../common/http/boolean-query';
import { OptionalField } from '../../common/http/optional-field';
import { PageOf } from '../../common/pagination/page.dto';
import type { ReconciliationRun } from '../../db/schema';
import type { RunCounts, RunError, RunStatus } from '../reconciliation-counts';

export class KindCountsDto {
  created!: number;
  /** Changed, or restored after a deletion. */
  updated!: number;
  deleted!: number;
  unchanged!: number;
}

export class RunCountsDto {
  users!: KindCountsDto;
  organizations!: KindCountsDto;
  members!: KindCountsDto;
  installations!: KindCountsDto;
  repositories!: KindCountsDto;
}

export class RunErrorDto {
  /** clerk, github, or run (the run itself). */
  source!: 'clerk' | 'github' | 'run';
  /** skipped (no credentials), rejected (a record not mirrored), failed (a source call failed). */
  kind!: 'skipped' | 'rejected' | 'failed';
  message!: string;
}

export class ReconciliationResponseDto {
  id!: string;
  status!: RunStatus;
  /** True: only reported, nothing changed. */
  dryRun!: boolean;
  startedAt!: Date;
  finishedAt!: Date | null;
  /** Per kind, what the run did (or would do); they grow while it runs. */
  counts!: RunCountsDto;
  errors!: RunErrorDto[];

  static from(run: ReconciliationRun): ReconciliationResponseDto {
    return {
      id: run.id,
      status: run.status as RunStatus,
      dryRun: run.dryRun,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      counts: run.counts as RunCounts,
      errors: run.errors as RunError[],
    };
  }
}

export class ReconciliationStartedDto {
  id!: string;
  status!: 'running';
}

export class ReconciliationPageDto extends PageOf(ReconciliationResponseDto) {}

export class StartReconciliationQueryDto {
  /** true: report what a run would repair, and change nothing. */
  @OptionalField()
  @BooleanQuery()
  @IsBoolean()
  dryRun?: boolean;
}
