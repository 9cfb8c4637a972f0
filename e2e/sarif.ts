import { readFileSync } from "node:fs";
import Ajv from "ajv";

/** What is wrong with a SARIF log against the SARIF 2.1.0 schema shipped in @microsoft/jest-sarif; none when it is valid. */
export function sarifProblems(log: unknown): string[] {
  const schema = JSON.parse(
    readFileSync(
      require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"),
      "utf8",
    ),
  );
  const ajv = new Ajv({ schemaId: "id", allErrors: true, logger: false });
  ajv.addMetaSchema(
    JSON.parse(readFileSync(require.resolve("ajv/lib/refs/json-schema-draft-04.json"), "utf8")),
  );
  const validate = ajv.compile(schema);
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
}
