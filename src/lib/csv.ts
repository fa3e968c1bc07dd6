/**
 * A small RFC 4180 CSV parser: quoted fields, escaped quotes (""), commas and line breaks inside
 * quotes, CRLF or LF line ends, and a leading UTF-8 BOM (Excel and Google Sheets add one).
 * Each record carries the line it starts on, so an import can name the line of a bad row.
 */
export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvError";
  }
}

export function parseCsv(input: string, delimiter = ","): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  /** Whether anything of the current record has been read (so EOF knows to emit it). */
  let pending = false;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    pending = false;
  };

  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === "") {
      pending = true;
      // Quoted field: runs to the next quote that is not doubled.
      const startLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError(startLine, "unterminated quoted field");
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r") {
        throw new CsvError(line, "unexpected character after a closing quote");
      }
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = "";
      pending = true;
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += ch;
      pending = true;
      i++;
    }
  }
  // A final record without a trailing line break.
  if (pending) endRecord();
  return records;
}

/** Formats records as CSV (quoting only where needed), the inverse of parseCsv. */
export function formatCsv(rows: string[][], lineEnd = "\r\n", delimiter = ","): string {
  const needsQuotes = new RegExp(`["\\r\\n${delimiter}]`);
  return rows
    .map((row) =>
      row.length === 1 && row[0] === ""
        ? '""'
        : row.map((f) => (needsQuotes.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(delimiter),
    )
    .map((r) => r + lineEnd)
    .join("");
}
