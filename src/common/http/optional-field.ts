// The one place allowed to use IsOptional (see eslint.config.mjs).
// eslint-disable-next-line no-restricted-imports
import { IsOptional, ValidateBy, ValidateIf } from 'class-validator';
import { applyDecorators } from '@nestjs/common';

const IsNotNull = () =>
  ValidateBy({
    name: 'isNotNull',
    validator: {
      validate: (value: unknown) => value !== null,
      defaultMessage: (args) => `${args?.property ?? 'this field'} may be left out but not null`,
    },
  });

/**
 * The field may be left out of the request. class-validator's own IsOptional skips every rule
 * for `null` as well, so `{ "name": null }` would pass validation and reach a NOT NULL column;
 * here `null` is refused (400) unless `nullable` says the field may be cleared with it.
 * Use this instead of IsOptional in every DTO.
 */
export const OptionalField = (options: { nullable?: boolean } = {}) =>
  options.nullable
    ? IsOptional()
    : applyDecorators(
        ValidateIf((_, value) => value !== undefined),
        IsNotNull(),
      );
