import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HealthView, Principal, PublicHealthView } from '@callplane/contracts';
import { Public } from '../../auth/auth.decorators';
import { AuthService } from '../../auth/auth.service';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService, private readonly auth: AuthService) {}

  /**
   * Public for load balancers and probes, but only the status: the details (PBX node ids,
   * link states, last errors naming internal addresses, the DB error) are for admins, sent
   * when the request carries an admin's Bearer token or API key. Other or invalid credentials
   * get the public answer, not an error, so a probe never fails on a stale token.
   */
  @Public()
  @Get()
  @ApiOperation({ summary: 'Health: `{ status }` publicly; with an admin token also the DB and every PBX link. 200 for ok/degraded, 503 when the database is down.' })
  async check(
    @Res({ passthrough: true }) res: { status(code: number): unknown },
    @Headers('authorization') authorization?: string,
    @Headers('x-api-key') apiKey?: string,
  ): Promise<HealthView | PublicHealthView> {
    const view = await this.health.check();
    res.status(view.status === 'down' ? 503 : 200);
    return (await this.isAdmin(authorization, apiKey)) ? view : { status: view.status };
  }

  private async isAdmin(authorization: string | undefined, apiKey: string | undefined): Promise<boolean> {
    if (!authorization && !apiKey) return false;
    let principal: Principal;
    try {
      principal = await this.auth.authenticate({ authorization, apiKey });
    } catch {
      // An invalid or expired credential on a public probe: answer publicly rather than 401.
      return false;
    }
    return principal.role === 'admin';
  }
}
