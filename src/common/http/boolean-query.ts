import { Transform } from 'class-transformer';

/** `?flag=true` / `?flag=false` as a boolean; anything else stays a string and fails @IsBoolean. */
export const BooleanQuery = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );
