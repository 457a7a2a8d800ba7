import { Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CallsModule } from '@callplane/calls';
import { APP_CONFIG, AppConfig } from '@callplane/core';
import { IvrFlowStore } from './flow/ivr-flow.store';
import { IvrFlowsService } from './flow/ivr-flows.service';
import { TypeOrmIvrFlowStore } from './flow/typeorm-ivr-flow.store';
import { IvrNodeRegistry } from './ivr-node.registry';
import { DEFAULT_IVR_OPTIONS, IVR_OPTIONS, IvrOptions } from './ivr.options';
import { IvrService } from './ivr.service';
import { BUILT_IN_IVR_NODES } from './nodes';
import { CallRecordsIvrCallLog, IvrCallLog } from './runtime/ivr-call-log';
import { IvrPromptChecker } from './flow/ivr-prompt.checker';
import { IvrInterpreter } from './runtime/ivr-interpreter';
import { IvrStepLatency } from './runtime/ivr-step-latency';

/** IVR options from the app config (IVR_HTTP_*, IVR_MAX_STEPS, IVR_MAX_FLOW_NODES) when there is one. */
const optionsProvider: Provider = {
  provide: IVR_OPTIONS,
  inject: [{ token: APP_CONFIG, optional: true }],
  useFactory: (config?: AppConfig): IvrOptions => ({
    ...DEFAULT_IVR_OPTIONS,
    ...(config
      ? {
          httpMaxTimeoutMs: config.IVR_HTTP_MAX_TIMEOUT_MS,
          maxSteps: config.IVR_MAX_STEPS,
          maxFlowNodes: config.IVR_MAX_FLOW_NODES,
          httpAllow: config.IVR_HTTP_ALLOW,
          httpAllowPublic: config.IVR_HTTP_ALLOW_PUBLIC,
          httpMaxBodyBytes: config.IVR_HTTP_MAX_BODY_BYTES,
          httpMaxRedirects: config.IVR_HTTP_MAX_REDIRECTS,
        }
      : {}),
    httpDefaultTimeoutMs: Math.min(DEFAULT_IVR_OPTIONS.httpDefaultTimeoutMs, config?.IVR_HTTP_MAX_TIMEOUT_MS ?? Infinity),
  }),
};

const providers: Provider[] = [
  IvrNodeRegistry,
  ...BUILT_IN_IVR_NODES,
  IvrInterpreter,
  { provide: IvrFlowStore, useClass: TypeOrmIvrFlowStore },
  IvrFlowsService,
  IvrPromptChecker,
  IvrStepLatency,
  { provide: IvrCallLog, useClass: CallRecordsIvrCallLog },
  IvrService,
];

const exported = [IvrNodeRegistry, IvrInterpreter, IvrFlowStore, IvrFlowsService, IvrStepLatency, IvrService, IVR_OPTIONS];

/**
 * IVR flows: node registry (built-in node types + every `@IvrNode()` provider of the app),
 * flows service (CRUD, validate, publish, simulate), interpreter, and {@link IvrService} — the
 * call target handler for `ivr` (found by the call engine's CallTargetRegistry).
 *
 * The host must provide globally: TypeORM (`PersistenceModule.forRoot`, for `DataSource`) and
 * `PbxDrivers` (the app's PbxModule). It imports CallsModule itself (call records, live calls,
 * target registry). Options come from APP_CONFIG (`IVR_HTTP_MAX_TIMEOUT_MS`, `IVR_MAX_STEPS`,
 * `IVR_MAX_FLOW_NODES`, `IVR_HTTP_ALLOW`, `IVR_HTTP_ALLOW_PUBLIC`, `IVR_HTTP_MAX_BODY_BYTES`,
 * `IVR_HTTP_MAX_REDIRECTS`) when provided, else defaults. Extension node types: any module imported by the app that
 * provides an `@IvrNode()` class.
 */
@Module({
  imports: [DiscoveryModule, CallsModule],
  providers: [optionsProvider, ...providers],
  exports: exported,
})
export class IvrModule {}
