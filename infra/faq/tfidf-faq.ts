import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { TfIdf as NaturalTfIdf } from 'natural';
import { z } from 'zod';
import type { FaqEntry, FaqSearch } from '../../domain/ports/faq.js';

// natural's TF-IDF file only: its index also loads storage back ends that call dotenv (which prints
// at start, breaking JSON logs) and much code the bot does not run (see bot/nlu/model.ts).
const TfIdf = createRequire(import.meta.url)('natural/lib/natural/tfidf/tfidf.js') as typeof NaturalTfIdf;

const Bilingual = z.object({ ms: z.string().min(3), en: z.string().min(3) });
const FaqFile = z
  .object({
    entries: z.array(
      z.object({ id: z.string().regex(/^[a-z0-9-]{2,60}$/), category: z.string().min(1), question: Bilingual, answer: Bilingual }).strict(),
    ),
  })
  .strict();

// Words that say nothing about the problem, in both languages.
const STOP = new Set(
  `saya anda kami ini itu yang dan atau untuk dengan tidak tak ke di dari pada dalam apa bagaimana macam mana boleh sudah dah
ada akan juga lagi masih mesti perlu jika kalau bila nak hendak mahu sebab kerana oleh the a an and or to of in on for with my i is are was were be
not no can how what when do does did it this that your you me have has from at by as after before any`.split(/\s+/),
);

export function terms(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 1 && !STOP.has(w));
}

/**
 * The FAQ knowledge base: every `*.json` file of a folder (operators edit them; a bad file stops
 * the start naming the file and the path), searched with natural's TF-IDF over both languages.
 */
export class TfIdfFaq implements FaqSearch {
  private readonly entries: FaqEntry[] = [];
  private readonly index = new TfIdf();

  constructor(dir: string) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const f of files) {
      const parsed = FaqFile.safeParse(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
      if (!parsed.success) {
        const i = parsed.error.issues[0]!;
        throw new Error(`Invalid FAQ file ${f}: ${i.path.join('.')}: ${i.message}`);
      }
      this.entries.push(...parsed.data.entries);
    }
    const ids = new Set<string>();
    for (const e of this.entries) {
      if (ids.has(e.id)) throw new Error(`Invalid FAQ: duplicate id ${e.id}`);
      ids.add(e.id);
      // The question counts twice: it is what a user's description most resembles.
      this.index.addDocument([
        ...terms(e.question.ms),
        ...terms(e.question.en),
        ...terms(e.question.ms),
        ...terms(e.question.en),
        ...terms(e.answer.ms),
        ...terms(e.answer.en),
        e.category,
      ]);
    }
  }

  size(): number {
    return this.entries.length;
  }

  get(id: string): FaqEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  search(text: string, limit: number): FaqEntry[] {
    const q = [...new Set(terms(text))];
    if (q.length === 0) return [];
    const scored = this.index.tfidfs(q).map((score, i) => ({ score, i }));
    return scored
      .filter((s) => s.score > 0.5)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((s) => this.entries[s.i]!);
  }
}
