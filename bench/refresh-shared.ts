// Names shared by refresh.bench and its child processes (never values).
export const PROJECT = 'proj';
export const ENVIRONMENT = 'dev';
export const CLIENT_ID = 'bench';
// Credential of the throwaway local server only.
export const CLIENT_SECRET = 'bench-secret';

/** KEY_00001 .. KEY_10000 */
export const keyName = (index: number) => `KEY_${String(index).padStart(5, '0')}`;
