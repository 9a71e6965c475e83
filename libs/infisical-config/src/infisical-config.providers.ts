import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModulesContainer } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PROCESS_ENV_WITHHELD, REGISTERED_TWICE } from './infisical-config.messages.js';
import { INFISICAL_CONFIG_OPTIONS, INFISICAL_METRICS } from './infisical-config.constants.js';
import { createMetrics } from './metrics/create-metrics.js';
import type { InfisicalMetrics } from './metrics/infisical-metrics.js';
import { INFISICAL_CONFIG_MODULE_OPTIONS } from './infisical-config.module-definition.js';
import type { InfisicalConfigModuleOptions } from './infisical-config.options.js';
import { InfisicalConfigService } from './infisical-config.service.js';
import { SnapshotFileCache } from './cache/snapshot-file.cache.js';
import { LoadEventsLogger } from './logging/load-events.logger.js';
import { BootLoader, type FirstLoad } from './loader/boot.loader.js';
import { SecretsLoader, type SnapshotLoader } from './loader/secrets.loader.js';
import { FleetLink } from './fleet/fleet.link.js';
import { FleetSnapshotLoader } from './fleet/fleet-snapshot.loader.js';
import { FleetSync } from './fleet/fleet.sync.js';
import { SecretsReadySignal } from './loader/secrets-ready.signal.js';
import { authSecretOf } from './options/resolve-auth.js';
import { resolveInfisicalOptions } from './options/resolve-options.js';
import type { ResolvedInfisicalOptions } from './options/resolved-options.interface.js';
import { RefreshCoordinator } from './refresh/refresh.coordinator.js';
import { RefreshScheduler } from './refresh/refresh.scheduler.js';
import { RefreshState } from './refresh/refresh-state.js';
import { CONFIGURATION_TOKEN, ConfigServiceWriter } from './snapshot/config-service.writer.js';
import { ContentFingerprinter } from './snapshot/content-fingerprint.js';
import { ProcessEnvWriter } from './snapshot/process-env.writer.js';
import { SnapshotStore } from './snapshot/snapshot.store.js';
import { PreviousValues } from './rotation/previous-values.js';
import { RotationProbes } from './rotation/rotation-probes.js';
import { SchemaGate } from './validation/schema.gate.js';
import { TypedInfisicalConfig } from './validation/typed-config.js';
import { InfisicalSource } from './source/infisical.source.js';

/** Runs `step`, and lets `ConfigService` fail with the same error instead of waiting for values. */
async function failingSignal<T>(signal: SecretsReadySignal, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    signal.fail(error);
    throw error;
  }
}

/**
 * The first load (bounded, with fallbacks, validated), written to `process.env`; then `ConfigService` is
 * released with the same values.
 */
async function loadFirstSnapshot(bootLoader: BootLoader, env: ProcessEnvWriter, log: LoadEventsLogger, signal: SecretsReadySignal): Promise<FirstLoad> {
  const first = await bootLoader.load();
  const withheld = env.withheld(first.snapshot.keys);
  if (withheld.length > 0) log.warn(PROCESS_ENV_WITHHELD(withheld));
  await env.writeAll(first.snapshot);
  if (first.snapshot.source === 'infisical') log.loaded(first.snapshot);
  signal.ready(first.snapshot.values);
  return first;
}

/** @internal What the first load produced. */
const FIRST_LOAD = Symbol('FIRST_LOAD');

/** @internal What refreshes load with: Infisical, or the fleet. */
const REFRESH_LOADER = Symbol('REFRESH_LOADER');

/** A provider built from the resolved options alone. */
const fromOptions = <T,>(provide: unknown, build: (options: ResolvedInfisicalOptions) => T): Provider => ({
  provide: provide as string,
  inject: [INFISICAL_CONFIG_OPTIONS],
  useFactory: build,
});

/**
 * The providers of one module registration (one set per app), in the direction data flows:
 * options → source → loader → first load → snapshot store → service, and the refresh job on top.
 */
export function createInfisicalConfigProviders(): Provider[] {
  return [
    {
      provide: INFISICAL_CONFIG_OPTIONS,
      inject: [INFISICAL_CONFIG_MODULE_OPTIONS, SecretsReadySignal],
      useFactory: (options: InfisicalConfigModuleOptions, signal: SecretsReadySignal) =>
        failingSignal(signal, () => {
          signal.optionsReceived();
          return resolveInfisicalOptions(options);
        }),
    },
    fromOptions(InfisicalSource, (options) => new InfisicalSource(options)),
    fromOptions(INFISICAL_METRICS, createMetrics),
    fromOptions(ProcessEnvWriter, (options) => new ProcessEnvWriter(options.processEnv, new Set(options.allowProcessEnvKeys))),
    fromOptions(LoadEventsLogger, (options) => new LoadEventsLogger(options)),
    fromOptions(SchemaGate, (options) => new SchemaGate(options.schema)),
    fromOptions(ContentFingerprinter, (options) => new ContentFingerprinter(authSecretOf(options.auth) ?? options.fileCache?.key, options.projectId)),
    { provide: RefreshState, useFactory: () => new RefreshState() },
    RotationProbes,
    fromOptions(PreviousValues, (options) => new PreviousValues(new Set(options.rotation.keepPrevious), options.rotation.previousWindowMs)),
    {
      provide: SecretsLoader,
      inject: [InfisicalSource, INFISICAL_CONFIG_OPTIONS, INFISICAL_METRICS],
      useFactory: (source: InfisicalSource, options: ResolvedInfisicalOptions, metrics: InfisicalMetrics) => new SecretsLoader(source, options, metrics),
    },
    // Fleet mode only (null otherwise): the Redis link, and what refreshes load through it.
    fromOptions(FleetLink, (options) => (options.fleet ? new FleetLink(options, options.fleet) : null)),
    {
      provide: REFRESH_LOADER,
      inject: [SecretsLoader, FleetLink],
      useFactory: (loader: SecretsLoader, fleet: FleetLink | null) => (fleet ? new FleetSnapshotLoader(loader, fleet) : loader),
    },
    {
      provide: SnapshotFileCache,
      inject: [INFISICAL_CONFIG_OPTIONS, INFISICAL_METRICS],
      useFactory: (options: ResolvedInfisicalOptions, metrics: InfisicalMetrics) => new SnapshotFileCache(options, metrics),
    },
    {
      provide: FIRST_LOAD,
      inject: [SecretsLoader, SnapshotFileCache, SchemaGate, RefreshState, LoadEventsLogger, INFISICAL_METRICS, INFISICAL_CONFIG_OPTIONS, ProcessEnvWriter, SecretsReadySignal, FleetLink],
      useFactory: (
        loader: SecretsLoader,
        fileCache: SnapshotFileCache,
        gate: SchemaGate,
        state: RefreshState,
        log: LoadEventsLogger,
        metrics: InfisicalMetrics,
        options: ResolvedInfisicalOptions,
        env: ProcessEnvWriter,
        signal: SecretsReadySignal,
        fleet: FleetLink | null,
      ) =>
        failingSignal(signal, () =>
          loadFirstSnapshot(new BootLoader(loader, fileCache, gate, state, log, metrics, options, fleet ?? undefined), env, log, signal),
        ),
    },
    { provide: SnapshotStore, inject: [FIRST_LOAD], useFactory: (first: FirstLoad) => new SnapshotStore(first.snapshot) },
    { provide: TypedInfisicalConfig, inject: [FIRST_LOAD], useFactory: (first: FirstLoad) => new TypedInfisicalConfig<object>(first.config) },
    {
      // The app-wide ConfigService exists once the first snapshot is in; its configuration object is this app's.
      provide: ConfigServiceWriter,
      inject: [CONFIGURATION_TOKEN, ConfigService],
      useFactory: (configuration: Record<string, unknown>, config: ConfigService) => new ConfigServiceWriter(configuration, config),
    },
    {
      provide: RefreshCoordinator,
      inject: [REFRESH_LOADER, SnapshotStore, RefreshState, SchemaGate, RotationProbes, TypedInfisicalConfig, ConfigServiceWriter, ProcessEnvWriter, PreviousValues, SnapshotFileCache, LoadEventsLogger, INFISICAL_METRICS, INFISICAL_CONFIG_OPTIONS],
      useFactory: (
        loader: SnapshotLoader,
        store: SnapshotStore,
        state: RefreshState,
        gate: SchemaGate,
        probes: RotationProbes,
        typed: TypedInfisicalConfig<object>,
        config: ConfigServiceWriter,
        env: ProcessEnvWriter,
        previous: PreviousValues,
        fileCache: SnapshotFileCache,
        log: LoadEventsLogger,
        metrics: InfisicalMetrics,
        options: ResolvedInfisicalOptions,
      ) => new RefreshCoordinator(loader, store, state, { typed, config, env, previous }, fileCache, { gate, probes }, log, metrics, options),
    },
    {
      provide: InfisicalConfigService,
      inject: [SnapshotStore, RefreshCoordinator, RefreshState, InfisicalSource, ContentFingerprinter, PreviousValues, FleetLink, INFISICAL_METRICS],
      useFactory: (
        store: SnapshotStore,
        coordinator: RefreshCoordinator,
        state: RefreshState,
        source: InfisicalSource,
        fingerprinter: ContentFingerprinter,
        previous: PreviousValues,
        fleet: FleetLink | null,
        metrics: InfisicalMetrics,
      ) => {
        const service = new InfisicalConfigService(store, coordinator, state, source, fingerprinter, previous, fleet ?? undefined);
        metrics.track(() => service.status());
        return service;
      },
    },
    {
      provide: FleetSync,
      inject: [FleetLink, RefreshCoordinator, SnapshotStore, ContentFingerprinter],
      useFactory: (fleet: FleetLink | null, coordinator: RefreshCoordinator, store: SnapshotStore, fingerprinter: ContentFingerprinter) =>
        fleet ? new FleetSync(fleet, coordinator, store, fingerprinter) : null,
    },
    {
      provide: RefreshScheduler,
      inject: [RefreshCoordinator, InfisicalSource, RefreshState, SnapshotStore, INFISICAL_CONFIG_OPTIONS, ModulesContainer, { token: SchedulerRegistry, optional: true }],
      useFactory: (
        coordinator: RefreshCoordinator,
        source: InfisicalSource,
        state: RefreshState,
        store: SnapshotStore,
        options: ResolvedInfisicalOptions,
        modules: ModulesContainer,
        appRegistry: SchedulerRegistry | undefined,
      ) => {
        // Two registrations would load twice, refresh twice and fight over ConfigService: say so plainly.
        const registrations = [...modules.values()].filter((module) => module.providers.has(RefreshScheduler)).length;
        if (registrations > 1) throw new Error(REGISTERED_TWICE);
        // The app's SchedulerRegistry when it has ScheduleModule.forRoot() (importing a second ScheduleModule
        // here would run the app's own @Cron jobs twice); otherwise a registry of its own.
        return new RefreshScheduler(coordinator, source, state, store, appRegistry ?? new SchedulerRegistry(), options);
      },
    },
  ];
}
