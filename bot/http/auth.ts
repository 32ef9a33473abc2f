import { CallerIdConstants, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { AuthenticationConstants, AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';

// jsonwebtoken's error names for a token that is malformed, wrongly signed, early or late.
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * Bot Framework authentication that fails closed: a token with a bad signature is a 401, not the
 * 500 the SDK gives when jsonwebtoken rejects it. Failures to reach the key server stay 5xx, so
 * the channel retries instead of dropping the message.
 */
export class FailClosedAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (e) {
      if (e instanceof AuthenticationError) throw e;
      if (e instanceof Error && TOKEN_ERRORS.has(e.name)) throw new AuthenticationError(`invalid token: ${e.message}`, 401);
      throw e;
    }
  }
}

/**
 * The SDK switches to "all parameters given" as soon as one endpoint is overridden, so an
 * overridden metadata URL comes with the public cloud's values for everything else.
 */
export function publicCloudWith(openIdMetadataUrl: string) {
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}
