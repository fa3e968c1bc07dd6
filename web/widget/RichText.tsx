import { Fragment } from "react";

/**
 * Renders the assistant's light markdown (paragraphs, line breaks, **bold**, "- " bullets) as
 * React nodes. Never HTML injection: the text comes from a model.
 */
export function RichText({ text }: { text: string }) {
  const blocks = text.split(/\n{2,}/);
  return (
    <>
      {blocks.map((block, i) => {
        const lines = block.split("\n");
        const isList = lines.every((l) => /^\s*([-*•]|\d+\.)\s+/.test(l));
        if (isList) {
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity but their position
            <ul key={i} className="my-1 list-disc space-y-0.5 pl-5">
              {lines.map((l, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their position
                <li key={j}>{inline(l.replace(/^\s*([-*•]|\d+\.)\s+/, ""))}</li>
              ))}
            </ul>
          );
        }
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity but their position
          <p key={i} className="[&:not(:first-child)]:mt-2">
            {lines.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their position
              <Fragment key={j}>
                {j > 0 ? <br /> : null}
                {inline(l)}
              </Fragment>
            ))}
          </p>
        );
      })}
    </>
  );
}

function inline(line: string) {
  return line.split(/(\*\*[^*]+\*\*)/g).map((part, i) =>
    part.startsWith("**") && part.endsWith("**") && part.length > 4 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: fragments of one line
      <strong key={i} className="font-semibold">
        {part.slice(2, -2)}
      </strong>
    ) : (
      part
    ),
  );
}
