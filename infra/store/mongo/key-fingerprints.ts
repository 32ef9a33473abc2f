import { Schema, type Model } from 'mongoose';
import type { KeyFingerprints } from '../../../domain/ports/key-fingerprints.js';
import { ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, systemClock, type MongoAdapterOptions } from './shared.js';
import type { Clock } from '../../../domain/ports/clock.js';

/** One document per seen public key; `_id` is the fingerprint, so the insert is the atomic claim. */
interface KeyFingerprintDoc {
  _id: string;
  caseId: string;
  at: string;
}

const keyFingerprintSchema = new Schema<KeyFingerprintDoc>(
  { _id: { type: String, required: true }, caseId: { type: String, required: true }, at: { type: String, required: true } },
  RECORD_SCHEMA_OPTIONS,
);

/** {@link KeyFingerprints} on MongoDB. */
export class MongoKeyFingerprints implements KeyFingerprints {
  private readonly keys: Model<KeyFingerprintDoc>;
  private readonly clock: Clock;

  constructor(opts: MongoAdapterOptions) {
    this.keys = modelOn(opts, 'key_fingerprints', keyFingerprintSchema);
    this.clock = opts.clock ?? systemClock;
  }

  async init(): Promise<void> {
    await ensureModelIndexes([this.keys]);
  }

  async claim(fingerprint: string, caseId: string): Promise<{ claimed: true } | { claimed: false; caseId: string }> {
    const fp = fingerprint.toLowerCase();
    try {
      await this.keys.create({ _id: fp, caseId, at: this.clock.now().toISOString() });
      return { claimed: true };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    const held = await this.keys.findById(fp).lean<KeyFingerprintDoc>();
    return held && held.caseId !== caseId ? { claimed: false, caseId: held.caseId } : { claimed: true };
  }

  async lookup(fingerprint: string): Promise<{ caseId: string; at: string } | undefined> {
    const d = await this.keys.findById(fingerprint.toLowerCase()).lean<KeyFingerprintDoc>();
    return d ? { caseId: d.caseId, at: d.at } : undefined;
  }
}
