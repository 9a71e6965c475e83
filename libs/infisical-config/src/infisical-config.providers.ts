import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModulesContainer } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { REGISTERED_TWICE } from './infisical-config.messages.js';
import { INFISICAL_CONFIG_OPTIONS, INFISICAL_METRICS, INFISICAL_SDK_FACTORY } from './infisical-config.constants.js';
import { createMetrics } from './metrics/create-metrics.js';
import type { InfisicalMetrics } from './metrics/infisical-metrics.js';
import { INFISICAL_CONFIG_MODULE_OPTIONS } from './infisical-config.module-definition.js';
import type { InfisicalConfigModuleOptions } from './infisical-config.options.js';
import { InfisicalConfigService } from './infisical-config.service.js';
import { SnapshotFileCache } from './cache/snapshot-file.cache.js';
import { LoadEventsLogger } from './logging/load-events.logger.js';
import { BootLoader } from './loader/boot.loader.js';
import { SecretsLoader } from './loader/secrets.loader.js';
import type { SecretsReadySignal } from './loader/secrets-ready.signal.js';
import { resolveInfisicalOptions } from './options/resolve-options.js';
import type { ResolvedInfisicalOptions } from './options/resolved-options.interface.js';
import { RefreshCoordinator } from './refresh/refresh.coordinator.js';
import { RefreshScheduler } from './refresh/refresh.scheduler.js';
import { RefreshState } from './refresh/refresh-state.js';
import { ConfigServicePublisher } from './snapshot/config-service.publisher.js';
import { ContentFingerprinter } from './snapshot/content-fingerprint.js';
import { ProcessEnvWriter } from './snapshot/process-env.writer.js';
import { SnapshotStore } from './snapshot/snapshot.store.js';
import { SchemaGate } from './validation/schema.gate.js';
import { TypedInfisicalConfig } from './validation/typed-config.js';
import { createInfisicalSdk, type InfisicalSdkFactory } from './source/infisical-sdk.factory.js';
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
 * The first load (bounded, with fallbacks), checked against the schema; releases `ConfigService` once
 * `process.env` holds the values too.
 */
async function loadFirstSnapshot(bootLoader: BootLoader, gate: SchemaGate, log: LoadEventsLogger, env: ProcessEnvWriter, signal: SecretsReadySignal) {
  const snapshot = await bootLoader.load();
  const checked = await gate.check(snapshot);
  if (!checked.ok) throw checked.error;
  env.writeAll(snapshot.values);
  if (snapshot.source === 'infisical') log.loaded(snapshot);
  signal.ready(snapshot.values);
  return { store: new SnapshotStore(snapshot), typed: new TypedInfisicalConfig<object>(checked.config) };
}

/** @internal What the first load produced: the snapshot store and the typed config. */
const FIRST_LOAD = Symbol('FIRST_LOAD');

/**
 * The providers of one module registration, in the direction data flows:
 * options → source → loader → snapshot store → service, and the refresh job on top.
 */
export function createInfisicalConfigProviders(signal: SecretsReadySignal): Provider[] {
  return [
    { provide: INFISICAL_SDK_FACTORY, useValue: createInfisicalSdk },
    {
      provide: INFISICAL_CONFIG_OPTIONS,
      inject: [INFISICAL_CONFIG_MODULE_OPTIONS],
      useFactory: (options: InfisicalConfigModuleOptions) =>
        failingSignal(signal, () => {
          signal.optionsReceived();
          return resolveInfisicalOptions(options);
        }),
    },
    {
      provide: InfisicalSource,
      inject: [INFISICAL_CONFIG_OPTIONS, INFISICAL_SDK_FACTORY],
      useFactory: (options: ResolvedInfisicalOptions, createSdk: InfisicalSdkFactory) => new InfisicalSource(options, createSdk),
    },
    { provide: INFISICAL_METRICS, inject: [INFISICAL_CONFIG_OPTIONS], useFactory: createMetrics },
    {
      provide: SecretsLoader,
      inject: [InfisicalSource, INFISICAL_CONFIG_OPTIONS, INFISICAL_METRICS],
      useFactory: (source: InfisicalSource, options: ResolvedInfisicalOptions, metrics: InfisicalMetrics) => new SecretsLoader(source, options, metrics),
    },
    {
      provide: ProcessEnvWriter,
      inject: [INFISICAL_CONFIG_OPTIONS],
      useFactory: (options: ResolvedInfisicalOptions) => new ProcessEnvWriter(options.processEnv),
    },
    {
      provide: SnapshotFileCache,
      inject: [INFISICAL_CONFIG_OPTIONS, INFISICAL_METRICS],
      useFactory: (options: ResolvedInfisicalOptions, metrics: InfisicalMetrics) => new SnapshotFileCache(options, metrics),
    },
    {
      provide: LoadEventsLogger,
      inject: [INFISICAL_CONFIG_OPTIONS],
      useFactory: (options: ResolvedInfisicalOptions) => new LoadEventsLogger(options),
    },
    {
      provide: SchemaGate,
      inject: [INFISICAL_CONFIG_OPTIONS],
      useFactory: (options: ResolvedInfisicalOptions) => new SchemaGate(options.schema),
    },
    {
      provide: FIRST_LOAD,
      inject: [SecretsLoader, SnapshotFileCache, SchemaGate, LoadEventsLogger, INFISICAL_METRICS, INFISICAL_CONFIG_OPTIONS, ProcessEnvWriter],
      useFactory: (
        loader: SecretsLoader,
        fileCache: SnapshotFileCache,
        gate: SchemaGate,
        log: LoadEventsLogger,
        metrics: InfisicalMetrics,
        options: ResolvedInfisicalOptions,
        env: ProcessEnvWriter,
      ) => failingSignal(signal, () => loadFirstSnapshot(new BootLoader(loader, fileCache, log, metrics, options), gate, log, env, signal)),
    },
    { provide: SnapshotStore, inject: [FIRST_LOAD], useFactory: (first: { store: SnapshotStore }) => first.store },
    { provide: TypedInfisicalConfig, inject: [FIRST_LOAD], useFactory: (first: { typed: TypedInfisicalConfig<object> }) => first.typed },
    { provide: RefreshState, useFactory: () => new RefreshState() },
    {
      // Injects the app-wide ConfigService, which exists once the first snapshot is in.
      provide: ConfigServicePublisher,
      inject: [ConfigService, ProcessEnvWriter],
      useFactory: (config: ConfigService, env: ProcessEnvWriter) => new ConfigServicePublisher(config, env),
    },
    {
      provide: RefreshCoordinator,
      inject: [SecretsLoader, SnapshotStore, RefreshState, ConfigServicePublisher, SnapshotFileCache, SchemaGate, TypedInfisicalConfig, LoadEventsLogger, INFISICAL_METRICS, INFISICAL_CONFIG_OPTIONS],
      useFactory: (
        loader: SecretsLoader,
        store: SnapshotStore,
        state: RefreshState,
        publisher: ConfigServicePublisher,
        fileCache: SnapshotFileCache,
        gate: SchemaGate,
        typed: TypedInfisicalConfig<object>,
        log: LoadEventsLogger,
        metrics: InfisicalMetrics,
        options: ResolvedInfisicalOptions,
      ) => new RefreshCoordinator(loader, store, state, publisher, fileCache, { gate, typed }, log, metrics, options),
    },
    {
      provide: ContentFingerprinter,
      inject: [INFISICAL_CONFIG_OPTIONS],
      useFactory: (options: ResolvedInfisicalOptions) => new ContentFingerprinter(options.auth.clientSecret, options.projectId),
    },
    {
      provide: InfisicalConfigService,
      inject: [SnapshotStore, RefreshCoordinator, RefreshState, InfisicalSource, ContentFingerprinter, INFISICAL_METRICS],
      useFactory: (
        store: SnapshotStore,
        coordinator: RefreshCoordinator,
        state: RefreshState,
        source: InfisicalSource,
        fingerprinter: ContentFingerprinter,
        metrics: InfisicalMetrics,
      ) => {
        const service = new InfisicalConfigService(store, coordinator, state, source, fingerprinter);
        metrics.track(() => service.status());
        return service;
      },
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
