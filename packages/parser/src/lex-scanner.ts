// The character scanner and word splitter under the shell lexer (lex.ts), after Go's
// text/scanner and buildkit's wordsStruct.

import { isSpace } from "./go-text.js";

export const EOF = null;
export type Ch = string | null;

export class RuneScanner {
  private readonly runes: string[];
  private pos = 0;
  constructor(text: string) {
    this.runes = Array.from(text);
    // Go's text/scanner drops a byte-order mark at the very start.
    if (this.runes[0] === "\uFEFF") this.pos = 1;
  }
  peek(): Ch {
    return this.pos < this.runes.length ? this.runes[this.pos] : EOF;
  }
  next(): Ch {
    const ch = this.peek();
    if (ch !== EOF) this.pos++;
    return ch;
  }
}

/** Docker's wordsStruct: splits the processed text into words on unquoted whitespace. */
export class WordCollector {
  private word = "";
  private inWord = false;
  private readonly words: string[] = [];

  addChar(ch: string): void {
    if (isSpace(ch) && this.inWord) {
      if (this.word.length !== 0) {
        this.words.push(this.word);
        this.word = "";
        this.inWord = false;
      }
    } else if (!isSpace(ch)) {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void {
    this.word += ch;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  addRawString(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  getWords(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = "";
      this.inWord = false;
    }
    return this.words;
  }
}
