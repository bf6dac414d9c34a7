import { IsOptional } from 'class-validator';
import { NameField, PhotoUrlField } from './user-fields';

export class UpdateMeDto {
  @IsOptional()
  @NameField()
  firstName?: string;

  @IsOptional()
  @NameField()
  lastName?: string;

  /** http(s) URL, at most 2,048 characters. */
  @IsOptional()
  @PhotoUrlField()
  photoUrl?: string;
}
