import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, createLogger } from '@callplane/core';
import { AgentEntity, ApiKeyEntity, UserEntity } from '@callplane/persistence';
import { AuthService, AuthOptions } from './auth.service';
import { ApiKeysService } from './api-keys.service';
import { UsersService } from './users.service';
import { PasswordHasher } from './password.hasher';
import { AuthGuard } from './auth.guard';
import { AdminBootstrap } from './admin.bootstrap';
import { resolveJwtSecret } from './jwt-secret';
import { LOGIN_MAX_FAILURES, LoginThrottle } from './login-throttle';
import { UserSessions } from './user-sessions';

/**
 * Authentication and roles for the whole app (global): {@link AuthService} (login, JWT and API
 * key verification — the Socket.IO gateway calls `verifyAccessToken`), {@link UsersService},
 * {@link ApiKeysService}, the global {@link AuthGuard}, and the first-admin bootstrap.
 * Needs from the host: APP_CONFIG (JWT_SECRET, JWT_TTL_S, ADMIN_EMAIL/ADMIN_PASSWORD, NODE_ENV)
 * and PersistenceModule.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, ApiKeyEntity, AgentEntity]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: resolveJwtSecret(config, createLogger('auth')),
        signOptions: { algorithm: 'HS256', expiresIn: config.JWT_TTL_S },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    { provide: AuthOptions, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new AuthOptions(config.JWT_TTL_S) },
    {
      provide: LoginThrottle,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new LoginThrottle({ perKey: LOGIN_MAX_FAILURES, perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS, global: config.LOGIN_MAX_FAILURES_GLOBAL }),
    },
    UserSessions,
    PasswordHasher,
    UsersService,
    ApiKeysService,
    AuthService,
    AdminBootstrap,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, UsersService, ApiKeysService, PasswordHasher, UserSessions],
})
export class AuthModule {}
