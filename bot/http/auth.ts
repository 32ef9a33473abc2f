import { CallerIdConstants, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import { appIdOf, ReusedClients } from './reused-clients.js';

// jsonwebtoken's error names for a token that is malformed, wrongly signed, early or late.
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * Bot Framework authentication that fails closed: a token with a bad signature is a 401, not the
 * 500 the SDK gives when jsonwebtoken rejects it. Failures to reach the key server stay 5xx, so
 * the channel retries instead of dropping the message.
 */
export class FailClosedAuthentication extends ConfigurationBotFrameworkAuthentication {
  /** The connector and user-token clients, built once per app id and service URL, not once per turn. */
  private readonly clients = new ReusedClients();

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      const result = await super.authenticateRequest(activity, authHeader);
      const factory = result.connectorFactory;
      return factory ? { ...result, connectorFactory: this.clients.connectorFactory(appIdOf(result.claimsIdentity), factory) } : result;
    } catch (e) {
      if (e instanceof AuthenticationError) throw e;
      if (e instanceof Error && TOKEN_ERRORS.has(e.name)) throw new AuthenticationError(`invalid token: ${e.message}`, 401);
      throw e;
    }
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.clients.connectorFactory(appIdOf(claimsIdentity), super.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.clients.userToken(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
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
