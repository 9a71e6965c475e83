import { massDeletionRefusal } from './mass-deletion.guard.js';

const diff = (removed: number) => ({ added: [], changed: [], removed: Array.from({ length: removed }, (_, i) => `K${i}`) });

describe('massDeletionRefusal', () => {
  it('refuses removing every key, whatever the share allowed', () => {
    expect(massDeletionRefusal(diff(4), 4, 1)).toBe('the refresh would remove all 4 keys');
  });

  it('refuses more than the allowed share and lets the share itself through', () => {
    expect(massDeletionRefusal(diff(3), 4, 0.5)).toBe('the refresh would remove 3 of 4 keys (75%, limit 50%)');
    expect(massDeletionRefusal(diff(2), 4, 0.5)).toBeUndefined();
  });

  it('has nothing to guard on an empty previous set', () => {
    expect(massDeletionRefusal(diff(0), 0, 0.5)).toBeUndefined();
  });
});
