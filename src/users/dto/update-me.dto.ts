import { OptionalField } from '../../common/http/optional-field';
import { NameField, PhotoUrlField } from './user-fields';

export class UpdateMeDto {
  @OptionalField()
  @NameField()
  firstName?: string;

  @OptionalField()
  @NameField()
  lastName?: string;

  /** http(s) URL, at most 2,048 characters. */
  @OptionalField()
  @PhotoUrlField()
  photoUrl?: string;
}
