import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig, createLogger } from '@callplane/core';
import { UsersService } from './users.service';

/**
 * The first admin: at boot, when ADMIN_EMAIL and ADMIN_PASSWORD are set and no user has that
 * email, creates it with role admin (once; later changes to the user are kept). There is no
 * default password: without them and without any admin, boot logs how to create one
 * (`create-admin` CLI).
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly log = createLogger('auth');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly users: UsersService) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (email && password) {
      if (!(await this.users.findByEmail(email))) {
        await this.users.create({ email, password, role: 'admin', displayName: 'Administrator' });
        this.log.info({ email }, 'first admin created from ADMIN_EMAIL/ADMIN_PASSWORD');
      }
      return;
    }
    if ((await this.users.countAdmins()) === 0) {
      this.log.warn('No admin user exists. Set ADMIN_EMAIL and ADMIN_PASSWORD, or run: node dist/apps/control-plane/src/cli/main.js create-admin --email <email> --password-stdin');
    }
  }
}
