import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvError, formatCsv, parseCsv } from "../src/lib/csv.js";

const field = fc.string({
  unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r", "\r\n", "é", "฿", "x"),
});
const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 });

describe("parseCsv", () => {
  it("reads quotes, escaped quotes, commas and line breaks inside quotes, CRLF and a BOM", () => {
    const text = '\uFEFFName,Notes\r\n"Kush, OG","say ""hi""\r\nthere"\r\nplain,\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["Name", "Notes"] },
      { line: 2, fields: ["Kush, OG", 'say "hi"\r\nthere'] },
      { line: 4, fields: ["plain", ""] },
    ]);
  });

  it("reads a last record without a trailing newline, and LF-only files", () => {
    expect(parseCsv("a,b\nc,d").map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("reports an unterminated quote and junk after a closing quote with their line", () => {
    expect(() => parseCsv('a\n"open,\nb')).toThrow(new CsvError(2, "unterminated quoted field"));
    expect(() => parseCsv('a\nb\n"x"y,z')).toThrow(
      new CsvError(3, "unexpected character after a closing quote"),
    );
  });

  it("round-trips anything formatCsv writes (property)", () => {
    fc.assert(
      fc.property(rows, fc.constantFrom("\r\n", "\n"), (data, eol) => {
        expect(parseCsv(formatCsv(data, eol)).map((r) => r.fields)).toEqual(data);
      }),
    );
  });

  it("ignores a leading BOM (property)", () => {
    fc.assert(
      fc.property(rows, (data) => {
        const text = formatCsv(data);
        expect(parseCsv(`\uFEFF${text}`)).toEqual(parseCsv(text));
      }),
    );
  });

  it("numbers each record by the physical line it starts on (property)", () => {
    fc.assert(
      fc.property(rows, (data) => {
        const text = formatCsv(data, "\n");
        const records = parseCsv(text);
        let line = 1;
        for (const [i, row] of data.entries()) {
          expect(records[i]?.line).toBe(line);
          line += formatCsv([row], "\n").split("\n").length - 1;
        }
      }),
    );
  });

  it("either parses or throws CsvError on arbitrary input, never anything else (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", " ") }), (text) => {
        try {
          for (const r of parseCsv(text)) expect(r.fields.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(CsvError);
        }
      }),
    );
  });
});
