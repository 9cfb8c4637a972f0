/**
 * Where each transform's insertions go among insertions at the same offset (at the end of a
 * file, several transforms add lines after the same last line): within a service, new labels
 * and environment come first, then its networks, then its ports; the top-level declarations
 * come last, after every service's lines.
 */
export const INSERT_ORDER = {
  routing: 10,
  networks: 20,
  ports: 30,
  declarations: 90,
} as const;
