export * from './auth.module';
export * from './auth.service';
export * from './users.service';
export * from './api-keys.service';
export * from './password.hasher';
export * from './auth.decorators';
export * from './auth.guard';
export * from './roles';
