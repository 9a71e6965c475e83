import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InjectInfisicalConfig } from './inject-infisical-config.decorator.js';
import { TypedInfisicalConfig } from './typed-config.js';

interface AppConfig {
  DB_PORT: number;
}

@Injectable()
class WithDecorator {
  constructor(@InjectInfisicalConfig() readonly config: TypedInfisicalConfig<AppConfig>) {}
}

@Injectable()
class ByType {
  constructor(readonly config: TypedInfisicalConfig<AppConfig>) {}
}

describe('InjectInfisicalConfig', () => {
  it('injects the TypedInfisicalConfig provider, with or without the decorator', async () => {
    const typed = new TypedInfisicalConfig<AppConfig>({ DB_PORT: 5432 });
    const moduleRef = await Test.createTestingModule({
      providers: [{ provide: TypedInfisicalConfig, useValue: typed }, WithDecorator, ByType],
    }).compile();
    expect(moduleRef.get(WithDecorator).config).toBe(typed);
    expect(moduleRef.get(ByType).config.get('DB_PORT')).toBe(5432);
    await moduleRef.close();
  });
});
