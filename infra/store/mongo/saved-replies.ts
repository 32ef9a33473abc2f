import { Schema, type Model } from 'mongoose';
import { DomainError } from '../../../domain/errors.js';
import type { Locale } from '../../../domain/people.js';
import type { SavedReplies, SavedReply, SavedReplyChange } from '../../../domain/ports/saved-replies.js';
import { ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, type MongoAdapterOptions } from './shared.js';

/** The stored shape: the reply's id is the document's `_id`. */
export interface ReplyDoc {
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
export const replySchema = new Schema<ReplyDoc>(
  { _id: str, locale: str, title: str, text: str, createdBy: str, createdAt: str, updatedBy: str, updatedAt: str },
  RECORD_SCHEMA_OPTIONS,
);
replySchema.index({ locale: 1, title: 1, _id: 1 });

/** Domain reply → stored document (what `create` inserts). */
export function replyToDoc(r: SavedReply): ReplyDoc {
  return {
    _id: r.id,
    locale: r.locale,
    title: r.title,
    text: r.text,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt,
  };
}

/** Stored document → domain reply. */
export function replyFromDoc(d: ReplyDoc): SavedReply {
  return {
    id: d._id,
    locale: d.locale as Locale,
    title: d.title,
    text: d.text,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    updatedBy: d.updatedBy,
    updatedAt: d.updatedAt,
  };
}

/** What `update` sets: the edited fields and who changed them when; `_id` and the creation stamps stay. */
export function replyChangeToSet(c: SavedReplyChange): Pick<ReplyDoc, 'locale' | 'title' | 'text' | 'updatedBy' | 'updatedAt'> {
  return { locale: c.locale, title: c.title, text: c.text, updatedBy: c.updatedBy, updatedAt: c.updatedAt };
}

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
      await this.model.create(replyToDoc(r));
    } catch (e) {
      if (isDuplicateKey(e)) throw new DomainError('DUPLICATE_KEY', `saved reply ${r.id} already exists`, { id: r.id });
      throw e;
    }
  }

  async get(id: string): Promise<SavedReply | undefined> {
    const d = await this.model.findById(id).lean<ReplyDoc>();
    return d ? replyFromDoc(d) : undefined;
  }

  async list(): Promise<SavedReply[]> {
    return (await this.model.find({}).sort({ locale: 1, title: 1, _id: 1 }).lean<ReplyDoc[]>()).map(replyFromDoc);
  }

  async update(id: string, c: SavedReplyChange): Promise<SavedReply | undefined> {
    const d = await this.model.findOneAndUpdate({ _id: id }, { $set: replyChangeToSet(c) }, { returnDocument: 'after' }).lean<ReplyDoc>();
    return d ? replyFromDoc(d) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id })).deletedCount > 0;
  }

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }
}
