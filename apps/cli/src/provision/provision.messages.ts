/** What provision tells the user when Infisical refuses or the layout and Infisical disagree; never a value. */

export const ORGANIZATION_MISMATCH = (what: string, serverMessage: string) =>
  `Infisical refused to ${what}: the layout's organizationId is not the organization of the identity provision logs in as ` +
  `(server: ${serverMessage}). Set organizationId to your organization's ID (Organization Settings > Overview).`;

export const PROJECT_CREATION_REFUSED = (name: string, slug: string, serverMessage: string) =>
  `Infisical refused to create project ${name} with slug ${slug} (server: ${serverMessage}). ` +
  'If a project with that slug exists, provision cannot see it because the identity it logs in as is not a member: ' +
  'add that identity to the project as Admin (Project Settings > Access Control > Machine Identities), or give the layout project another slug.';

export const ORGANIZATION_REMEDY =
  'Give the identity you provision with the Admin organization role (Organization Settings > Access Control > Machine Identities), or a custom organization role that allows it.';

export const PROJECT_REMEDY = (project: string) =>
  `Make the identity you provision with an Admin of project ${project} (Project Settings > Access Control > Machine Identities); of a project it created it already is.`;

export const SELF_IN_LAYOUT = (name: string) =>
  `identity ${name} is the one provision logs in as: leave it out of the layout (provision never changes its own roles, so it cannot lock itself out)`;

export const CREDENTIALS_FILE_OF_ANOTHER = (file: string, identity: string) =>
  `${file} exists but does not hold the client id of identity ${identity}: ` +
  'move it away (a new client secret is written only to a file that does not exist yet), or point credentialsFile elsewhere';

/** Where a client secret provision issued can be found to revoke it. */
const REVOKE_HINT = (identity: string) =>
  `any client secret issued for it stays valid until revoked: in Infisical, identity ${identity} > Universal Auth > client secrets, described "infisical-config provision: …"`;

export const CREDENTIALS_FILE_EMPTY = (file: string, identity: string) =>
  `${file} exists but holds no client id or no client secret (a run stopped while writing it?): delete it and run again to issue identity ${identity} a new client secret; ${REVOKE_HINT(identity)}`;

/** Only the site differs: the secret is still good, so the line is edited rather than a secret reissued. */
export const CREDENTIALS_FILE_OTHER_SITE = (file: string, identity: string, siteUrl: string) =>
  `${file} holds the client id of identity ${identity}, but another INFISICAL_SITE_URL than the layout's siteUrl: set that line to ${siteUrl}`;

export const CREDENTIALS_FILE_STALE = (file: string, identity: string, fields: readonly string[]) =>
  `${file} holds the client id of identity ${identity}, but its ${fields.join(', ')} no longer ${fields.length === 1 ? 'matches' : 'match'} the layout: ` +
  `move it away and run again to write a new file (with a new client secret); ${REVOKE_HINT(identity)}`;

export const AMBIGUOUS_NAME = (plural: string, name: string) =>
  `Infisical has two ${plural} named "${name}": rename one in Infisical so the layout can name the other`;

export const CLIENT_SECRET_UNWRITTEN = (file: string, identity: string, reason: string, revoked: boolean) =>
  `cannot write the credentials file ${file} (${reason}): ` +
  (revoked
    ? `the client secret just issued to identity ${identity} was revoked, so none is left that nobody holds`
    : `the client secret just issued to identity ${identity} could not be revoked: revoke it in Infisical (the identity's Universal Auth client secrets, described "infisical-config provision")`);

export const PROJECTS_TO_CREATE_REMEDY =
  'provision sees only the projects its identity is a member of: if one of these exists already, add this identity to it as Admin before --apply';
