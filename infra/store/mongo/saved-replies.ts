import { Schema, type Model } from 'mongoose';
import { DomainError } from '../../../domain/errors.js';
import type { Locale } from '../../../domain/people.js';
import type { SavedReplies, SavedReply, SavedReplyChange } from '../../../domain/ports/saved-replies.js';
import { ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, type MongoAdapterOptions } from './shared.js';

/** The stored shape: the reply's id is the document's `_id`. */
interface ReplyDoc {
  _id: string;
  locale: string;
  title: string;
  text: string;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}
const str = { type: String, required: true };
const replySchema = new Schema<ReplyDoc>(
  { _id: str, locale: str, title: str, text: str, createdBy: str, createdAt: str, updatedBy: str, updatedAt: str },
  RECORD_SCHEMA_OPTIONS,
);
replySchema.index({ locale: 1, title: 1, _id: 1 });

const toReply = (d: ReplyDoc): SavedReply => ({
  id: d._id,
  locale: d.locale as Locale,
  title: d.title,
  text: d.text,
  createdBy: d.createdBy,
  createdAt: d.createdAt,
  updatedBy: d.updatedBy,
  updatedAt: d.updatedAt,
});

/** {@link SavedReplies} on MongoDB (binary string order, the same as SQLite's). */
export class MongoSavedReplies implements SavedReplies {
  private readonly model: Model<ReplyDoc>;
  constructor(opts: MongoAdapterOptions) {
    this.model = modelOn(opts, 'savedreplies', replySchema);
  }

  async init(): Promise<void> {
    await ensureModelIndexes([this.model]);
  }

  async create(r: SavedReply): Promise<void> {
    try {
      await this.model.create({
        _id: r.id,
        locale: r.locale,
        title: r.title,
        text: r.text,
        createdBy: r.createdBy,
        createdAt: r.createdAt,
        updatedBy: r.updatedBy,
        updatedAt: r.updatedAt,
      });
    } catch (e) {
      if (isDuplicateKey(e)) throw new DomainError('DUPLICATE_KEY', `saved reply ${r.id} already exists`, { id: r.id });
      throw e;
    }
  }

  async get(id: string): Promise<SavedReply | undefined> {
    const d = await this.model.findById(id).lean<ReplyDoc>();
    return d ? toReply(d) : undefined;
  }

  async list(): Promise<SavedReply[]> {
    return (await this.model.find({}).sort({ locale: 1, title: 1, _id: 1 }).lean<ReplyDoc[]>()).map(toReply);
  }

  async update(id: string, c: SavedReplyChange): Promise<SavedReply | undefined> {
    const d = await this.model
      .findOneAndUpdate(
        { _id: id },
        { $set: { locale: c.locale, title: c.title, text: c.text, updatedBy: c.updatedBy, updatedAt: c.updatedAt } },
        { returnDocument: 'after' },
      )
      .lean<ReplyDoc>();
    return d ? toReply(d) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id })).deletedCount > 0;
  }

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }
}
