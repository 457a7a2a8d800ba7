import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKeyView, LoginResponse, MeView, Principal } from '@callplane/contracts';
import { AuthService } from '../../auth/auth.service';
import { ApiKeysService } from '../../auth/api-keys.service';
import { CurrentPrincipal, Public, Roles } from '../../auth/auth.decorators';
import { OPENAPI_API_KEY, OPENAPI_BEARER } from '../setup-http-app';
import { UuidParam } from '../uuid-param';
import { CreateApiKeyDto, LoginDto } from './auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password; returns a JWT (401 `unauthenticated` when wrong).' })
  login(@Body() dto: LoginDto): Promise<LoginResponse> {
    return this.auth.login(dto.email, dto.password);
  }

  @Get('me')
  @ApiBearerAuth(OPENAPI_BEARER)
  @ApiSecurity(OPENAPI_API_KEY)
  @ApiOperation({ summary: 'Who is calling (principal; the user for logins, null for API keys).' })
  me(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return this.auth.me(principal);
  }
}

@ApiTags('api-keys')
@ApiBearerAuth(OPENAPI_BEARER)
@ApiSecurity(OPENAPI_API_KEY)
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
