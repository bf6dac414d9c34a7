import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { PrincipalRepository } from './principal.repository';
import { TokenVerifier } from './token-verifier';

@Global()
@Module({
  providers: [TokenVerifier, PrincipalRepository, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenVerifier],
})
export class AuthModule {}
