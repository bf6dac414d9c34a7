import { IsBoolean, Matches } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { EmailField, NameField, PhotoUrlField, UserIdField } from './user-fields';

export class CreateUserDto {
  /** The Clerk user id, e.g. `user_2abc…`. */
  @UserIdField()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'id may contain letters, digits, _ and - only' })
  id!: string;

  @EmailField()
  email!: string;

  @NameField()
  firstName!: string;

  @NameField()
  lastName!: string;

  @PhotoUrlField()
  photoUrl!: string;

  @OptionalField()
  @IsBoolean()
  isAdmin?: boolean;
}
