import { Body, Controller, Delete, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKeyView, LoginResponse, MeView, Principal } from '@callplane/contracts';
import { AuthService } from '../../auth/auth.service';
import { ApiKeysService } from '../../auth/api-keys.service';
import { CurrentPrincipal, Public, Roles } from '../../auth/auth.decorators';
import { ApiAuthed, ErrorBodySchema } from '../openapi';
import { UuidParam } from '../uuid-param';
import { ChangePasswordDto, CreateApiKeyDto, LoginDto } from './auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password; returns a JWT (401 `unauthenticated` when wrong).' })
  @ApiBadRequestResponse({ type: ErrorBodySchema })
  @ApiUnauthorizedResponse({ type: ErrorBodySchema })
  @ApiTooManyRequestsResponse({ type: ErrorBodySchema, description: 'too-many-login-attempts' })
  login(@Body() dto: LoginDto, @Ip() client: string): Promise<LoginResponse> {
    return this.auth.login(dto.email, dto.password, client);
  }

  @Get('me')
  @ApiAuthed()
  @ApiOperation({ summary: 'Who is calling (principal; the user for logins, null for API keys).' })
  me(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return this.auth.me(principal);
  }

  @Post('password')
  @HttpCode(204)
  @ApiAuthed()
  @ApiOperation({ summary: "Change the caller's own password (any role; 401 when currentPassword is wrong, 429 after too many). Revokes every token issued before, this one included: log in again." })
  @ApiTooManyRequestsResponse({ type: ErrorBodySchema, description: 'too-many-login-attempts' })
  changePassword(@CurrentPrincipal() principal: Principal, @Body() dto: ChangePasswordDto, @Ip() client: string): Promise<void> {
    return this.auth.changePassword(principal, dto.currentPassword, dto.newPassword, client);
  }
}

@ApiTags('api-keys')
@ApiAuthed()
@Roles('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key. The plaintext `key` is in this answer only.' })
  create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.keys.create(dto.name, dto.role);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key (it stays listed with `revokedAt`).' })
  revoke(@UuidParam() id: string): Promise<ApiKeyView> {
    return this.keys.revoke(id);
  }
}
