import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HealthView } from '@callplane/contracts';
import { Public } from '../../auth/auth.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'DB and PBX link health. 200 for ok/degraded, 503 when the database is down.' })
  async check(@Res({ passthrough: true }) res: { status(code: number): unknown }): Promise<HealthView> {
    const view = await this.health.check();
    res.status(view.status === 'down' ? 503 : 200);
    return view;
  }
}
