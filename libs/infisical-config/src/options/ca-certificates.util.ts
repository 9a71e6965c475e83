import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * The PEM text of each `caCertificates` entry (PEM itself, or a file read now), or the problems: a file
 * that cannot be read, or holds no PEM certificate.
 */
export function readCaCertificates(entries: readonly unknown[]): { certificates: string[]; problems: string[] } {
  const certificates: string[] = [];
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const label = `caCertificates[${index}]`;
    if (typeof entry !== 'string' || entry.trim() === '') return problems.push(`${label} must be PEM text or the path of a PEM file`);
    if (PEM_CERTIFICATE.test(entry)) return certificates.push(entry);
    let text: string;
    try {
      text = readFileSync(resolve(entry), 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      return problems.push(`${label}: cannot read ${entry} (${code})`);
    }
    if (!PEM_CERTIFICATE.test(text)) return problems.push(`${label}: ${entry} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    certificates.push(text);
  });
  return { certificates, problems };
}
