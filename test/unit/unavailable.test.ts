import { expect } from 'chai';
import mongoose from 'mongoose';
import { isInfraUnavailable } from '../../bot/http/unavailable.js';
import { DomainError } from '../../domain/errors.js';

describe('what counts as "a service is away" for the user reply', () => {
  it("the coded error of the Redis adapters and the MongoDB driver's no-server errors, nothing else", () => {
    const { MongoServerSelectionError, MongoNetworkError } = mongoose.mongo;
    expect(isInfraUnavailable(new DomainError('INFRA_UNAVAILABLE', 'redis'))).to.equal(true);
    expect(isInfraUnavailable(new MongoNetworkError('connection reset'))).to.equal(true);
    expect(isInfraUnavailable(Object.assign(new Error('no primary'), { name: MongoServerSelectionError.name }))).to.equal(true);
    expect(isInfraUnavailable(new DomainError('CASE_STALE', 'stale'))).to.equal(false);
    expect(isInfraUnavailable(new Error('bug'))).to.equal(false);
  });
});
