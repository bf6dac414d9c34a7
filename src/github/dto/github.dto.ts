import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { PageOf } from '../../common/pagination/page.dto';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import type { GithubInstallation, GithubInstallationRepository } from '../../db/schema';

export class LinkInstallationDto {
  /**
   * GitHub's installation id (`installation_id` of the redirect to the setup URL): digits, best
   * sent as a string; a JSON number is accepted only below 2^53.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value,
  )
  @IsString()
  @Matches(/^[1-9]\d{0,19}$/, { message: 'installationId must be a positive integer' })
  installationId!: string;

  /**
   * The `code` GitHub adds to the redirect to the setup URL ("Request user authorization (OAuth)
   * during installation"). Required with `state`, except for platform admins.
   */
  @OptionalField()
  @IsString()
  @MaxLength(256)
  code?: string;

  /** The `state` from GET …/github/install-url, which GitHub hands back with the redirect. */
  @OptionalField()
  @IsString()
  @MaxLength(256)
  state?: string;
}

export class InstallUrlResponseDto {
  /** GitHub's page for installing the App, carrying `state`. */
  url!: string;
  /** Single-use proof for POST …/github/installations, for this organization and caller. */
  state!: string;
  expiresAt!: Date;
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
