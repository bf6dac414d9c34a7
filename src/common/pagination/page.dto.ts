import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Page } from './page';

/**
 * The response class of a list of `item`: `export class MemberPageDto extends PageOf(MemberResponseDto) {}`.
 * Its properties are declared here once, for the OpenAPI document.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] })
    data!: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as `?cursor=` for the next page; null on the last one.',
    })
    nextCursor!: string | null;
  }
  return PageDto;
}
