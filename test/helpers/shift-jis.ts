// Node decodes Shift_JIS (TextDecoder) but cannot encode it. Tests that need the bytes a Japanese cmd.exe writes
// (`auditpol /r > file`, code page 932) build the encoder from the decoder: every single byte and every lead/trail
// pair, decoded once, gives the character-to-bytes table.
let table: Map<string, number[]> | undefined;

function build(): Map<string, number[]> {
  const decoder = new TextDecoder('shift_jis', { fatal: true });
  const map = new Map<string, number[]>();
  const add = (bytes: number[]) => {
    let ch: string;
    try {
      ch = decoder.decode(new Uint8Array(bytes));
    } catch {
      return;
    }
    if ([...ch].length === 1 && ch !== '\uFFFD' && !map.has(ch)) map.set(ch, bytes);
  };
  for (let b = 0; b < 0x100; b++) add([b]);
  for (let lead = 0x81; lead <= 0xfc; lead++) {
    if (lead > 0x9f && lead < 0xe0) continue;
    for (let trail = 0x40; trail <= 0xfc; trail++) if (trail !== 0x7f) add([lead, trail]);
  }
  return map;
}

/** The CP932 bytes of `text`; throws on a character CP932 cannot hold. */
export function encodeShiftJis(text: string): Buffer {
  table ??= build();
  const out: number[] = [];
  for (const ch of text) {
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`not encodable in Shift_JIS: ${JSON.stringify(ch)}`);
    out.push(...bytes);
  }
  return Buffer.from(out);
}
