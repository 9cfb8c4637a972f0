import { sarifValidator } from "../__tests__/helpers/sarif";

/** What is wrong with a SARIF log against the SARIF 2.1.0 schema shipped in @microsoft/jest-sarif; none when it is valid. */
export function sarifProblems(log: unknown): string[] {
  const validate = sarifValidator();
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
}
