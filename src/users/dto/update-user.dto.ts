import { IsBoolean } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { EmailField } from './user-fields';
import { UpdateMeDto } from './update-me.dto';

export class UpdateUserDto extends UpdateMeDto {
  @OptionalField()
  @EmailField()
  email?: string;

  /** Grants or revokes platform administration. */
  @OptionalField()
  @IsBoolean()
  isAdmin?: boolean;
}
