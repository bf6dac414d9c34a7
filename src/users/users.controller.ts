import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/current-user.decorator';
import { PlatformAdminOnly } from '../common/auth/platform-admin.guard';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { IncludeDeletedQueryDto } from '../common/http/include-deleted-query.dto';
import { pathId } from '../common/http/path-id.pipe';
import { mapPage } from '../common/pagination/page';
import type { User } from '../db/schema';
import { MembershipsService } from '../memberships/memberships.service';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { MeResponseDto, UserPageDto, UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
  ) {}

  /** The caller, with the organizations they belong to and their role in each. */
  @Get('me')
  async me(@CurrentUser() caller: User): Promise<MeResponseDto> {
    const organizations = await this.memberships.organizationsOf(caller.id);
    return { ...UserResponseDto.from(caller), organizations };
  }

  @Patch('me')
  @ApiErrors('VALIDATION_FAILED')
  async updateMe(@CurrentUser() caller: User, @Body() body: UpdateMeDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.update(caller.id, body));
  }

  @Get()
  @PlatformAdminOnly()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN')
  async list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return mapPage(await this.users.list(query, query), UserResponseDto.from);
  }

  @Post()
  @PlatformAdminOnly()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN', 'USER_ALREADY_EXISTS')
  async create(@Body() body: CreateUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.create(body));
  }

  /** Yourself, anyone you share an organization with, or anyone for platform admins. */
  @Get(':userId')
  @ApiErrors('USER_NOT_FOUND')
  async get(
    @CurrentUser() caller: User,
    @Param('userId', pathId('USER')) userId: string,
    @Query() { includeDeleted }: IncludeDeletedQueryDto,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.getVisibleTo(caller, userId, includeDeleted));
  }

  @Patch(':userId')
  @PlatformAdminOnly()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN', 'USER_NOT_FOUND')
  async update(
    @Param('userId', pathId('USER')) userId: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.update(userId, body));
  }

  /** Soft delete, locking the user out; 409 LAST_ADMIN while they are an organization's only admin. */
  @Delete(':userId')
  @HttpCode(204)
  @PlatformAdminOnly()
  @ApiErrors('FORBIDDEN', 'USER_NOT_FOUND', 'LAST_ADMIN')
  async remove(@Param('userId', pathId('USER')) userId: string): Promise<void> {
    await this.users.softDelete(userId);
  }

  @Post(':userId/restore')
  @HttpCode(200)
  @PlatformAdminOnly()
  @ApiErrors('FORBIDDEN', 'USER_NOT_FOUND')
  async restore(@Param('userId', pathId('USER')) userId: string): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.restore(userId));
  }
}
