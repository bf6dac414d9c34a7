import { IsBoolean, IsOptional } from 'class-validator';
import { EmailField } from './user-fields';
import { UpdateMeDto } from './update-me.dto';

export class UpdateUserDto extends UpdateMeDto {
  @IsOptional()
  @EmailField()
  email?: string;

  /** Grants or revokes platform administration. */
  @IsOptional()
  @IsBoolean()
  isAdmin?: boolean;
}
