import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { PageOf } from '../../common/pagination/page.dto';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import type { GithubInstallation, GithubInstallationRepository } from '../../db/schema';

export class LinkInstallationDto {
  /** GitHub's installation id: digits, as a string or a number. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value,
  )
  @IsString()
  @Matches(/^[1-9]\d{0,19}$/, { message: 'installationId must be a positive integer' })
  installationId!: string;
}

export class InstallationResponseDto {
  /** GitHub's installation id. */
  id!: string;
  organizationId!: string;
  /** True while GitHub reports the installation suspended. */
  suspended!: boolean;
  suspendedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  static from(row: GithubInstallation): InstallationResponseDto {
    return {
      id: row.id,
      organizationId: row.organizationId,
      suspended: row.suspendedAt !== null,
      suspendedAt: row.suspendedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class InstallationPageDto extends PageOf(InstallationResponseDto) {}

export class RepositoryResponseDto {
  /** GitHub's repository id. */
  id!: string;
  installationId!: string;
  /** GitHub's full_name, owner/repo. */
  name!: string;
  createdAt!: Date;
  updatedAt!: Date;

  static from(row: GithubInstallationRepository): RepositoryResponseDto {
    return {
      id: row.id,
      installationId: row.installationId,
      name: row.name,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class RepositoryPageDto extends PageOf(RepositoryResponseDto) {}

export class ListRepositoriesQueryDto extends PaginationQueryDto {
  /** Case-insensitive substring of the full name. */
  @OptionalField()
  @IsString()
  @MaxLength(200)
  q?: string;
}
