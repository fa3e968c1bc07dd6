import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeHtml,
  splitMessage,
  TELEGRAM_LIMIT,
  toTelegramHtml,
} from "../../src/channels/telegram/format.js";

describe("telegram formatting", () => {
  it("escapes everything a user or model wrote; only our tags survive", () => {
    expect(toTelegramHtml('**Hi** <script>alert("x")</script> & *you*')).toBe(
      "<b>Hi</b> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <i>you</i>",
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        const html = toTelegramHtml(s).replace(/<\/?[bi]>/g, "");
        expect(html).not.toMatch(/[<>]/);
      }),
    );
  });

  it("splits any text into parts Telegram accepts, losing no words", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("\n", "\n\n", " ", '&<>"')), {
          maxLength: 800,
        }),
        fc.integer({ min: 40, max: TELEGRAM_LIMIT }),
        (chunks, limit) => {
          const text = chunks.join("");
          const parts = splitMessage(text, limit);
          for (const p of parts) expect(toTelegramHtml(p).length).toBeLessThanOrEqual(limit);
          const squash = (s: string) => s.replace(/\s+/g, "");
          expect(squash(parts.join(""))).toBe(squash(text));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps a short text whole", () => {
    expect(splitMessage("hello there")).toEqual(["hello there"]);
    expect(escapeHtml("a&b")).toBe("a&amp;b");
  });
});
