export const TOKEN_CONFIG_KEY = "railway:token";
export const ENDPOINT_CONFIG_KEY = "railway:endpoint";
export const TOKEN_ENV = "RAILWAY_API_TOKEN";

export interface ResolvedToken {
  readonly token: string;
  /** Named in error messages so the user knows which setting to fix. */
  readonly source: string;
}

/** Stack config wins over the environment; neither present is an error that says how to fix it. */
export function resolveToken(
  configToken: string | undefined,
  env: NodeJS.ProcessEnv,
): ResolvedToken {
  if (configToken) return { token: configToken, source: `stack config ${TOKEN_CONFIG_KEY}` };
  const fromEnv = env[TOKEN_ENV];
  if (fromEnv) return { token: fromEnv, source: `environment variable ${TOKEN_ENV}` };
  throw new Error(
    `No Railway API token: set it with \`pulumi config set --secret ${TOKEN_CONFIG_KEY} <token>\` ` +
      `or export ${TOKEN_ENV}. Use a workspace token (Railway dashboard → Account → Tokens).`,
  );
}
