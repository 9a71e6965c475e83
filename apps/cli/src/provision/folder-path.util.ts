/** Infisical folder paths: `/`, `/database`, `/database/replica`. */

export const childPath = (parent: string, name: string) => (parent === '/' ? `/${name}` : `${parent}/${name}`);

export const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

export const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
