// class-transformer's @Type reads decorator metadata (reflect-metadata comes with @nestjs/common).
import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';

/**
 * The layout file's shape, checked with class-validator (an optional peer, loaded only by `provision` and
 * `check --layout`). Messages name the rule, never echo a value; relations between entries (an identity's
 * project exists, TTL below max TTL) are checked after this, in layout.reader.ts.
 */

/** Environment slugs and role slugs: what Infisical accepts (lowercase letters, digits, dashes). */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A folder path: `/` or `/name/name`, names of letters, digits, dashes and underscores. */
export const FOLDER_PATH = /^\/(?:[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*)?$/;
/** `environment:folder`, as an import source: `workspace:/` or `workspace:/shared`. */
export const ENVIRONMENT_FOLDER = /^([a-z0-9]+(?:-[a-z0-9]+)*):(\/(?:[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*)?)$/;
/** Seconds, or a number with s, m, h or d. */
export const DURATION = /^\d+[smhd]?$/;

export const PROJECT_ROLES = ['admin', 'member', 'viewer', 'no-access'] as const;
export const ORGANIZATION_ROLES = ['admin', 'member', 'no-access'] as const;
export const AUTH_METHODS = ['universal-auth'] as const;

const asText = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

export class LayoutImport {
  @IsString({ message: 'must be "<environment>:<folder>", e.g. "workspace:/"' })
  @Matches(ENVIRONMENT_FOLDER, { message: 'must be "<environment>:<folder>", e.g. "workspace:/"' })
  from!: string;

  @IsOptional()
  @IsString({ message: 'must be a folder path such as "/" or "/database"' })
  @Matches(FOLDER_PATH, { message: 'must be a folder path such as "/" or "/database"' })
  into?: string;
}

export class LayoutEnvironment {
  @IsString({ message: 'must be a slug: lowercase letters, digits and dashes' })
  @Length(1, 64, { message: 'must be 1 to 64 characters' })
  @Matches(SLUG, { message: 'must be a slug: lowercase letters, digits and dashes' })
  slug!: string;

  @IsOptional()
  @IsString({ message: 'must be a text' })
  @Length(1, 64, { message: 'must be 1 to 64 characters' })
  name?: string;

  @IsOptional()
  @IsArray({ message: 'must be a list of folder paths' })
  @IsString({ each: true, message: 'must be folder paths such as "/database"' })
  @Matches(FOLDER_PATH, { each: true, message: 'must be folder paths such as "/database"' })
  folders?: string[];

  @IsOptional()
  @IsArray({ message: 'must be a list of { from, into }' })
  @ValidateNested({ each: true })
  @Type(() => LayoutImport)
  imports?: LayoutImport[];
}

export class LayoutProject {
  @IsString({ message: 'must be a text' })
  @Length(1, 64, { message: 'must be 1 to 64 characters' })
  name!: string;

  /** Unique in the organization (names are not); default: made from the name. */
  @IsOptional()
  @IsString({ message: 'must be a slug: lowercase letters, digits and dashes' })
  @Length(5, 36, { message: 'must be 5 to 36 characters (what Infisical accepts)' })
  @Matches(SLUG, { message: 'must be a slug: lowercase letters, digits and dashes' })
  slug?: string;

  @IsArray({ message: 'must be a list of environments' })
  @ArrayMinSize(1, { message: 'must declare at least one environment' })
  @ValidateNested({ each: true })
  @Type(() => LayoutEnvironment)
  environments!: LayoutEnvironment[];
}

export class LayoutIdentityAuth {
  @IsIn(AUTH_METHODS, { message: `must be one of: ${AUTH_METHODS.join(', ')} (configure other methods in Infisical's UI)` })
  method!: (typeof AUTH_METHODS)[number];

  @Transform(asText)
  @IsString({ message: 'must be a duration: seconds, or a number with s, m, h or d (e.g. 1h)' })
  @Matches(DURATION, { message: 'must be a duration: seconds, or a number with s, m, h or d (e.g. 1h)' })
  accessTokenTTL!: string;

  @Transform(asText)
  @IsString({ message: 'must be a duration: seconds, or a number with s, m, h or d (e.g. 30d)' })
  @Matches(DURATION, { message: 'must be a duration: seconds, or a number with s, m, h or d (e.g. 30d)' })
  accessTokenMaxTTL!: string;

  /** Accept a token TTL equal to its max TTL (such a token can never be renewed). */
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  allowNonRenewableToken?: boolean;
}

export class LayoutIdentity {
  @IsString({ message: 'must be a text' })
  @Length(1, 64, { message: 'must be 1 to 64 characters' })
  name!: string;

  @IsString({ message: 'must name a project of the layout' })
  project!: string;

  @IsString({ message: 'must name an environment of that project' })
  environment!: string;

  /** Built-in roles only: a misspelt one would otherwise pass as a custom role and fail halfway through --apply. */
  @IsOptional()
  @IsIn(PROJECT_ROLES, { message: `must be one of: ${PROJECT_ROLES.join(', ')} (give custom roles in Infisical's UI)` })
  role?: (typeof PROJECT_ROLES)[number];

  @IsOptional()
  @IsIn(ORGANIZATION_ROLES, { message: `must be one of: ${ORGANIZATION_ROLES.join(', ')}` })
  organizationRole?: (typeof ORGANIZATION_ROLES)[number];

  @ValidateNested()
  @Type(() => LayoutIdentityAuth)
  auth!: LayoutIdentityAuth;

  @IsOptional()
  @IsString({ message: 'must be a file path' })
  @Length(1, 4096, { message: 'must be a file path' })
  credentialsFile?: string;
}

export class ProvisionLayoutSchema {
  @IsString({ message: 'must be the id of your Infisical organization (Organization Settings)' })
  @Length(1, 128, { message: 'must be the id of your Infisical organization (Organization Settings)' })
  organizationId!: string;

  @IsOptional()
  @IsString({ message: 'must be a URL' })
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  siteUrl?: string;

  @IsArray({ message: 'must be a list of projects' })
  @ValidateNested({ each: true })
  @Type(() => LayoutProject)
  projects!: LayoutProject[];

  @IsOptional()
  @IsArray({ message: 'must be a list of identities' })
  @ValidateNested({ each: true })
  @Type(() => LayoutIdentity)
  identities?: LayoutIdentity[];
}
