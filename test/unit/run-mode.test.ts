import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../infra/config.js';

const MONGO = 'mongodb://db.example:27017/gpki';
const REDIS = 'redis://127.0.0.1:6379';

function refusal(env: Record<string, string>): { key: string; reason: string }[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('the configuration was accepted');
}

describe('run mode (STORE and QUEUE)', () => {
  it('defaults to the embedded store and the in-process queue with no URL', () => {
    const c = loadConfig({});
    expect([c.store, c.queue]).to.deep.equal(['embedded', 'inline']);
    expect(c.mongo).to.equal(undefined);
    expect(c.redis).to.equal(undefined);
  });

  it('derives mongo and bullmq from the URLs, as before', () => {
    const c = loadConfig({ MONGODB_URI: MONGO, REDIS_URL: REDIS, CA_KEY_SECRET: 'x'.repeat(32) });
    expect([c.store, c.queue]).to.deep.equal(['mongo', 'bullmq']);
    expect(c.mongo?.uri).to.equal(MONGO);
    expect(c.redis?.url).to.equal(REDIS);
  });

  it('accepts the modes named explicitly with their URLs', () => {
    const c = loadConfig({ STORE: 'mongo', QUEUE: 'bullmq', MONGODB_URI: MONGO, REDIS_URL: REDIS });
    expect([c.store, c.queue]).to.deep.equal(['mongo', 'bullmq']);
    expect([loadConfig({ STORE: 'embedded', QUEUE: 'inline' }).store, loadConfig({ QUEUE: 'inline' }).queue]).to.deep.equal([
      'embedded',
      'inline',
    ]);
  });

  it('refuses a mode named without its URL, naming the missing setting', () => {
    expect(refusal({ STORE: 'mongo' })).to.deep.equal([{ key: 'MONGODB_URI', reason: 'required when STORE=mongo' }]);
    expect(refusal({ QUEUE: 'bullmq' })).to.deep.equal([{ key: 'REDIS_URL', reason: 'required when QUEUE=bullmq' }]);
  });

  it('refuses a URL set beside the other mode instead of ignoring it', () => {
    expect(refusal({ STORE: 'embedded', MONGODB_URI: MONGO }).map((i) => i.key)).to.deep.equal(['STORE']);
    expect(refusal({ QUEUE: 'inline', REDIS_URL: REDIS }).map((i) => i.key)).to.deep.equal(['QUEUE']);
  });

  it('refuses an unknown mode', () => {
    expect(refusal({ STORE: 'postgres' }).map((i) => i.key)).to.deep.equal(['STORE']);
    expect(refusal({ QUEUE: 'rabbitmq' }).map((i) => i.key)).to.deep.equal(['QUEUE']);
  });
});
