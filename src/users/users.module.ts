import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { UserMirrorRepository } from './user-mirror.repository';
import { UserMirrorService } from './user-mirror.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [MembershipsModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, UserMirrorService, UserMirrorRepository],
  exports: [UsersService, UserMirrorService],
})
export class UsersModule {}
