import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { FailedSignatureInterceptor } from './failed-signature.interceptor';
import { PrincipalRepository } from './principal.repository';
import { TokenVerifier } from './token-verifier';

@Global()
@Module({
  providers: [
    TokenVerifier,
    PrincipalRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: FailedSignatureInterceptor },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
