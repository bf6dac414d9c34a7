import { Global, Module } from '@nestjs/common';
import { ActorContext } from './actor-context';

/** The per-request (or per-job) context every module may read: who is acting. */
@Global()
@Module({ providers: [ActorContext], exports: [ActorContext] })
export class ContextModule {}
