import { applyEdits, Edit, OverlappingEditsError } from "../src/yaml/apply-edits";
import { commentOutLines, insertLinesAfter, replaceLines } from "../src/yaml/line-edits";
import { SourceText } from "../src/base/source-text";

describe("applyEdits", () => {
  test.each<[string, string, Edit[], string]>([
    ["no edits", "a: 1\n", [], "a: 1\n"],
    ["replace", "a: 1\n", [{ start: 3, end: 4, text: "2" }], "a: 2\n"],
    ["insert", "a: 1\n", [{ start: 0, end: 0, text: "# x\n" }], "# x\na: 1\n"],
    ["delete", "a: 1\nb: 2\n", [{ start: 5, end: 10, text: "" }], "a: 1\n"],
    [
      "unsorted edits are applied by position",
      "abc",
      [
        { start: 2, end: 3, text: "C" },
        { start: 0, end: 1, text: "A" },
      ],
      "AbC",
    ],
    [
      "inserts at one offset keep their order",
      "x",
      [
        { start: 1, end: 1, text: "1" },
        { start: 1, end: 1, text: "2" },
      ],
      "x12",
    ],
    [
      "touching replacements",
      "abcd",
      [
        { start: 0, end: 2, text: "X" },
        { start: 2, end: 4, text: "Y" },
      ],
      "XY",
    ],
  ])("%s", (_name, input, edits, expected) => {
    expect(applyEdits(input, edits)).toBe(expected);
  });

  test("overlapping edits are a bug, not merged", () => {
    expect(() =>
      applyEdits("abcdef", [
        { start: 0, end: 3, text: "x" },
        { start: 2, end: 4, text: "y" },
      ]),
    ).toThrow(OverlappingEditsError);
  });

  test("an insert inside a replaced range overlaps", () => {
    expect(() =>
      applyEdits("abcdef", [
        { start: 1, end: 4, text: "x" },
        { start: 2, end: 2, text: "y" },
      ]),
    ).toThrow(OverlappingEditsError);
  });

  test("edits outside the text are refused", () => {
    expect(() => applyEdits("ab", [{ start: 1, end: 5, text: "" }])).toThrow(RangeError);
  });
});

describe("line edits keep line endings, BOM and the final-newline habit", () => {
  test.each([
    ["LF", "a: 1\nb: 2\n", "a: 1\n  x\nb: 2\n"],
    ["CRLF", "a: 1\r\nb: 2\r\n", "a: 1\r\n  x\r\nb: 2\r\n"],
    ["BOM", "\ufeffa: 1\nb: 2\n", "\ufeffa: 1\n  x\nb: 2\n"],
  ])("insert after the first line (%s)", (_name, input, expected) => {
    const source = new SourceText(input);
    expect(applyEdits(input, [insertLinesAfter(source, 0, ["  x"])])).toBe(expected);
  });

  test("insert after the last line of a file without a final newline", () => {
    const input = "a: 1\nb: 2";
    const source = new SourceText(input);
    expect(applyEdits(input, [insertLinesAfter(source, 1, ["c: 3"])])).toBe("a: 1\nb: 2\nc: 3");
  });

  test("replace lines in a CRLF file", () => {
    const input = "a:\r\n  - x\r\n  - y\r\nb: 1\r\n";
    const source = new SourceText(input);
    const out = applyEdits(input, [replaceLines(source, { first: 1, last: 2 }, ["  - z"])]);
    expect(out).toBe("a:\r\n  - z\r\nb: 1\r\n");
  });

  test("comment out puts '# ' at the block's indentation, skipping blank lines", () => {
    const input = "s:\n    ports:\n      - 80:80\n\n      - 443:443\n";
    const source = new SourceText(input);
    const out = applyEdits(input, commentOutLines(source, { first: 1, last: 4 }));
    expect(out).toBe("s:\n    # ports:\n    #   - 80:80\n\n    #   - 443:443\n");
  });
});

describe("SourceText", () => {
  test("lines, columns and line endings", () => {
    const s = new SourceText("a: 1\r\nbb: 2\r\nc");
    expect(s.eol).toBe("\r\n");
    expect(s.finalNewline).toBe(false);
    expect(s.lineCount).toBe(3);
    expect(s.lineOf(7)).toBe(1);
    expect(s.columnOf(7)).toBe(1);
    expect(s.lineText(1)).toBe("bb: 2");
    expect(s.lineText(2)).toBe("c");
  });
});
