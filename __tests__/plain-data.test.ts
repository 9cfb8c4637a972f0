import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseDocument } from "yaml";
import { parseYaml, plainData } from "../src/yaml/parse-yaml";
import { corpusDir, noteMissingCorpus, yamlFiles } from "./helpers/corpus";

const parse = (text: string) => parseDocument(text, { merge: true, uniqueKeys: false });

describe("plain data in one walk", () => {
  test.each([
    ["nested maps and sequences", "a:\n  b: [1, 2.5, true, null, x]\n  c: {d: e}\n"],
    ["keys that are not strings", "1: one\ntrue: yes\n~: nothing\n2.5: x\n"],
    ["an inherited name as a key", "__proto__: {polluted: true}\nconstructor: x\ntoString: y\n"],
    ["a repeated key (the last wins)", "a: 1\nb: 2\na: 3\n"],
    ["empty values", "a:\nb: []\nc: {}\n"],
    ["a single pair inside a flow sequence", "a: [b: 1]\n"],
    ["block scalars", "a: |\n  line\n  two\nb: >-\n  folded\n  text\n"],
    ["a YAML 1.1 document", "%YAML 1.1\n---\na: yes\nb: 0777\nc: 2001-12-14\n"],
  ])("%s: as toJS gives it", (_name, text) => {
    const doc = parse(text);
    const plain = plainData(doc.contents);
    expect(typeof plain).not.toBe("symbol");
    expect(isDeepStrictEqual(plain, doc.toJS({ maxAliasCount: -1 }))).toBe(true);
  });

  test("__proto__ as a key is an own property, not the object's prototype", () => {
    const plain = plainData(parse("__proto__: {polluted: true}\n").contents) as object;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.hasOwn(plain, "__proto__")).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  test.each([
    ["an alias", "a: &x {b: 1}\nc: *x\n"],
    ["a merge key", "a: &x {b: 1}\nc:\n  <<: *x\n"],
    ["a merge key of a mapping in place", "c:\n  <<: {b: 1}\n  d: 2\n"],
    ["a collection as a key", "? [a, b]\n: c\n"],
    ["a set", "%YAML 1.1\n---\na: !!set {x, y}\n"],
  ])("%s: left to toJS, with the same result through parseYaml", (_name, text) => {
    const doc = parse(text);
    expect(typeof plainData(doc.contents)).toBe("symbol");
    const parsed = parseYaml(text, "compose.yaml");
    expect(parsed.kind).toBe("ok");
    if (parsed.kind === "ok") {
      expect(isDeepStrictEqual(parsed.yaml.data, doc.toJS({ maxAliasCount: -1 }))).toBe(true);
    }
  });

  const corpus = corpusDir();
  if (!corpus) noteMissingCorpus("plain-data.test.ts");
  (corpus ? test : test.skip)("every file of the corpus: the same data as toJS", () => {
    let plain = 0;
    const differ: string[] = [];
    for (const file of yamlFiles(corpus!)) {
      const doc = parse(readFileSync(path.join(corpus!, file), "utf8"));
      if (doc.errors.length) continue;
      const data = plainData(doc.contents);
      if (typeof data === "symbol") continue;
      plain++;
      let js: unknown;
      try {
        js = doc.toJS({ maxAliasCount: -1 });
      } catch {
        continue;
      }
      if (!isDeepStrictEqual(data, js)) differ.push(file);
    }
    expect(differ).toEqual([]);
    expect(plain).toBeGreaterThan(500);
  });
});
