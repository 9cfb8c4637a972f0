/**
 * Control characters in text a person reads: what a compose file, a directory's name or a cache
 * file holds (a service name, a value, a path) must not reach the terminal as it is, where an
 * escape sequence retitles the window or moves the cursor and a newline forges a line of its
 * own. Every text rendering shows them escaped, in the manner of C and of `git`'s quoted paths
 * (`\n`, `\r`, `\t`, `\e` for ESC, `\xHH` for the others); the JSON report and SARIF keep the
 * text as it is, which JSON escapes itself.
 */

/** C0 controls (newline and tab among them), DEL and the C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same, but for tab, line feed and the carriage return of a CRLF line ending. */
const CONTROL_IN_LINES = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROL_IN_LINES_ALL = new RegExp(CONTROL_IN_LINES.source, "g");

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

function escapeOne(ch: string): string {
  return NAMED[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** Text for one line of output (a name, a value, a path, a message): every control character escaped. */
export function escapeControl(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, escapeOne) : text;
}

/**
 * Lines of text (a diff, a code frame) as they are shown: tabs, line feeds and the carriage
 * return of a CRLF line ending kept, every other control character escaped.
 */
export function escapeLines(text: string): string {
  return CONTROL_IN_LINES.test(text) ? text.replace(CONTROL_IN_LINES_ALL, escapeOne) : text;
}
