/**
 * Text from audited hosts (ids from evidence files, error messages quoting a server's answer, sudo's stderr) reaches
 * the terminal: control characters would let it move the cursor, rewrite lines or change colours.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}
