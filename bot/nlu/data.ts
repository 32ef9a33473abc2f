import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isIntent, type Intent } from './intents.js';
import { appPath } from '../../infra/app-root.js';

/** One labelled utterance, as operators write them: `{"text": "...", "intent": "..."}` per line. */
export interface Example {
  text: string;
  intent: Intent;
}

export const DATA_DIR = appPath('bot', 'nlu', 'data');
/** Training data, one file per language so each can be extended by someone who writes it. */
export const TRAINING_FILES = ['ms.jsonl', 'en.jsonl', 'mixed.jsonl'].map((f) => path.join(DATA_DIR, f));
/** Written separately from the training data; never trained on. */
export const HELDOUT_FILE = path.join(DATA_DIR, 'heldout.jsonl');

/** Reads a JSONL file of examples; a bad line fails loudly with its file and line number. */
export function readExamples(file: string): Example[] {
  const out: Example[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${i + 1}: not JSON`);
      }
      const { text, intent } = (row ?? {}) as { text?: unknown; intent?: unknown };
      if (typeof text !== 'string' || !text.trim()) throw new Error(`${file}:${i + 1}: "text" must be a non-empty string`);
      if (!isIntent(intent)) throw new Error(`${file}:${i + 1}: unknown intent ${JSON.stringify(intent)}`);
      out.push({ text, intent });
    });
  return out;
}

export function readTrainingExamples(files: readonly string[] = TRAINING_FILES): Example[] {
  return files.flatMap(readExamples);
}
