import { StatusCodes, type Activity, type CloudAdapter, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Request, Response } from 'restify';

/** CloudAdapter's own entry point for one activity (protected in botbuilder-core's CloudAdapterBase). */
interface ActivityProcessor {
  processActivity(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined>;
}

/** botbuilder's `validateAndFixActivity`: dates given as text become Date objects, the text kept beside. */
function fixTimestamps(activity: Activity): Activity {
  const a = activity as Activity & Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = a[field];
    if (typeof value === 'string') {
      a[raw] = value;
      a[field] = new Date(value) as never;
    }
  }
  return activity;
}

/**
 * What `CloudAdapter.process(req, res, logic)` does for a POSTed activity whose body is already
 * parsed and checked (bot/turn/activity-shape.ts), without the zod parses of the request, the
 * response, the logic and the body that it runs on every turn (a tenth of a turn's allocations):
 * the same authentication, turn and answer, the same 400/401/500 on the same failures.
 */
export async function processActivityRequest(
  adapter: CloudAdapter,
  req: Request,
  res: Response,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  const end = (status: number, body?: unknown) => {
    res.status(status);
    if (body) res.send(body);
    res.end();
  };
  const body = req.body as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return end(StatusCodes.BAD_REQUEST, '`req.body` not an object, make sure you are using middleware to parse incoming requests.');
  }
  const activity = fixTimestamps(body as Activity);
  if (typeof activity.type !== 'string' || !activity.type) {
    console.warn('BadRequest: Missing activity or activity type.');
    return end(StatusCodes.BAD_REQUEST);
  }
  const headers = req.headers as Record<string, string | string[] | undefined>;
  const authHeader = headers.Authorization ?? headers.authorization ?? '';
  if (typeof authHeader !== 'string') return end(StatusCodes.BAD_REQUEST);
  try {
    const invokeResponse = await (adapter as unknown as ActivityProcessor).processActivity(authHeader, activity, logic);
    return end(invokeResponse?.status ?? StatusCodes.OK, invokeResponse?.body);
  } catch (err) {
    console.error(err);
    return end(
      err instanceof AuthenticationError ? StatusCodes.UNAUTHORIZED : StatusCodes.INTERNAL_SERVER_ERROR,
      (err as { message?: string }).message ?? err,
    );
  }
}
