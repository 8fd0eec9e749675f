/**
 * Incremental RFC 4180 reader: text goes in chunk by chunk, complete records come out, so a file
 * of millions of rows is read in constant memory. A quoted field may hold commas, doubled quotes
 * and line breaks; a record ends at an unquoted LF (a CR before it is dropped).
 */
export class CsvRecordReader {
  private field = '';
  private record: string[] = [];
  private quoted = false;
  private quotePending = false;
  private touched = false;

  push(text: string): string[][] {
    const out: string[][] = [];
    for (const ch of text) this.take(ch, out);
    return out;
  }

  /** The last record when the text did not end with a line break. */
  end(): string[][] {
    if (this.quoted && !this.quotePending) throw new Error('unterminated quoted field');
    this.quoted = false;
    this.quotePending = false;
    return this.touched || this.record.length > 0 ? [this.finishRecord()] : [];
  }

  private take(ch: string, out: string[][]): void {
    if (this.quoted) return this.takeQuoted(ch, out);
    this.touched = true;
    if (ch === '"' && this.field === '') this.quoted = true;
    else if (ch === ',') this.finishField();
    else if (ch === '\n') out.push(this.finishRecord());
    else if (ch !== '\r') this.field += ch;
  }

  private takeQuoted(ch: string, out: string[][]): void {
    if (this.quotePending) {
      this.quotePending = false;
      if (ch === '"') {
        this.field += '"';
        return;
      }
      this.quoted = false;
      return this.take(ch, out);
    }
    if (ch === '"') this.quotePending = true;
    else this.field += ch;
  }

  private finishField(): void {
    this.record.push(this.field);
    this.field = '';
  }

  private finishRecord(): string[] {
    this.finishField();
    const done = this.record;
    this.record = [];
    this.touched = false;
    return done;
  }
}
