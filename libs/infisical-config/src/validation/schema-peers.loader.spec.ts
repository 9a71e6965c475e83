import { jest } from '@jest/globals';

// Simulates an app that did not install the optional peers.
jest.unstable_mockModule('class-validator', () => {
  throw Object.assign(new Error("Cannot find package 'class-validator'"), { code: 'ERR_MODULE_NOT_FOUND' });
});

const { loadSchemaPeers } = await import('./schema-peers.loader.js');
const { checkConfigSchema } = await import('./config-schema.validator.js');

describe('loadSchemaPeers without class-validator', () => {
  it('says which packages to install, and keeps the cause', async () => {
    const failure = loadSchemaPeers();
    await expect(failure).rejects.toThrow('npm install class-validator class-transformer');
    await expect(failure).rejects.toMatchObject({ cause: { code: 'ERR_MODULE_NOT_FOUND' } });
  });

  it('makes checkConfigSchema throw rather than report invalid values', async () => {
    class AnyConfig {}
    await expect(checkConfigSchema(AnyConfig, { A: '1' }, 'infisical')).rejects.toThrow(/npm install class-validator class-transformer/);
  });
});
