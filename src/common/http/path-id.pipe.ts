import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundEntity, NotFoundError } from '../errors/domain-error';
import { isBoundedId } from '../ids/path-id';

/** A path id that cannot exist (too long, odd characters) is simply not found: 404, not 400. */
@Injectable()
export class PathIdPipe implements PipeTransform<string, string> {
  constructor(private readonly entity: NotFoundEntity) {}

  transform(value: string): string {
    if (typeof value !== 'string' || !isBoundedId(value)) throw new NotFoundError(this.entity);
    return value;
  }
}

export const pathId = (entity: NotFoundEntity) => new PathIdPipe(entity);
