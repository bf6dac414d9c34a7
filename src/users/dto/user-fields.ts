import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsNotEmpty, IsString, IsUrl, MaxLength } from 'class-validator';

/** Field rules shared by every user DTO: names ≤ 200 characters, URLs ≤ 2,048, an email an email. */
export const NameField = () => applyDecorators(IsString(), MaxLength(200));
export const EmailField = () => applyDecorators(IsEmail(), MaxLength(320));
export const PhotoUrlField = () =>
  applyDecorators(
    IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }),
    MaxLength(2048),
  );
export const UserIdField = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(128));
