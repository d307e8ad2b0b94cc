import assert from "node:assert/strict";
import { headingIs, parseOutline, sectionOf } from "../../src/definitions/markdown.ts";
import { splitFrontMatter } from "../../src/definitions/frontmatter.ts";

Deno.test("outline: headings, list items and links carry file lines after front matter", () => {
  const split = splitFrontMatter(
    "---\na: 1\nb: 2\n---\n# Title\n\nIntro\ntext.\n\n## Steps\n\n1. [One](steps/1.md)\n" +
      "2. two\n   - nested [x](y.md)\n\n```\n# not a heading\n```\n",
  );
  assert.equal(split.bodyFirstLine, 5);
  const outline = parseOutline(split.body, split.bodyFirstLine);
  assert.deepEqual(
    outline.headings.map((h) => [h.depth, h.text, h.line]),
    [[1, "Title", 5], [2, "Steps", 10]],
  );
  assert.deepEqual(outline.paragraphs.map((p) => [p.text, p.line]), [["Intro\ntext.", 7]]);
  const items = outline.lists[0]?.items ?? [];
  assert.deepEqual(items.map((i) => [i.text, i.link?.text, i.line]), [
    ["One", "One", 12],
    ["two", undefined, 13],
  ]);
  const steps = outline.headings.find((h) => headingIs(h, "  STEPS "));
  assert(steps);
  assert.match(sectionOf(outline, steps).text, /^1\. \[One\]/);
});

Deno.test("front matter: absent, empty and unclosed", () => {
  assert.deepEqual(splitFrontMatter("# T\n"), {
    yamlFirstLine: 1,
    body: "# T\n",
    bodyFirstLine: 1,
  });
  const empty = splitFrontMatter("---\n---\n# T\n");
  assert.equal(empty.yaml, "");
  assert.equal(empty.body, "# T\n");
  assert.equal(empty.bodyFirstLine, 3);
  assert.match(splitFrontMatter("---\na: 1\n").issue?.message ?? "", /never closed/);
});
