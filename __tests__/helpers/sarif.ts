import { readFileSync } from "node:fs";
import Ajv from "ajv";

/** The SARIF 2.1.0 schema as the @microsoft/jest-sarif package ships it (JSON Schema draft-04), compiled. */
export function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(
      require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"),
      "utf8",
    ),
  );
  // draft-04, as the SARIF schema is written; the draft-07 meta-schema Ajv would add is not used
  const ajv = new Ajv({ schemaId: "id", allErrors: true, meta: false });
  ajv.addMetaSchema(
    JSON.parse(readFileSync(require.resolve("ajv/lib/refs/json-schema-draft-04.json"), "utf8")),
  );
  return ajv.compile(schema);
}
