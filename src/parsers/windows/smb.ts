// The SMB server's encryption settings (Get-SmbServerConfiguration | ConvertTo-Json): with EncryptData (or per-share
// encryption, not read here) SMB 3 traffic is opaque to every network sensor; without it a sensor on the path can read
// file names and contents of SMB 2/3 sessions, and the endpoint's 5140/5145 auditing is the only other record.
import { InconclusiveError, ParseError } from '../../checks/types.js';
import { defineParser } from '../define.js';

export const windowsSmbServer = defineParser({
  name: 'windows-smb-server',
  probes: ['win-smb-server-config'],
  facts: ['present', 'encrypt_data', 'reject_unencrypted', 'smb1', 'reason'],
  parse: (outputs) => {
    const r = outputs['win-smb-server-config'];
    if (!r || r.error)
      throw new InconclusiveError(
        `win-smb-server-config: ${r?.error ? `${r.error.kind}: ${r.error.message}` : 'not collected'}`,
      );
    const text = r.stdout.replace(/^\uFEFF/, '').trim();
    if (!text) return { present: false, encrypt_data: false, reject_unencrypted: false, smb1: false, reason: '' };
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ParseError(`Get-SmbServerConfiguration: not JSON (${(e as Error).message})`);
    }
    const encrypt = doc.EncryptData === true;
    const smb1 = doc.EnableSMB1Protocol === true;
    return {
      present: true,
      encrypt_data: encrypt,
      reject_unencrypted: doc.RejectUnencryptedAccess === true,
      smb1,
      reason: [
        encrypt ? '' : 'EncryptData is False: SMB sessions are readable by a sensor on the path',
        smb1 ? 'SMB1 is enabled (never encrypted)' : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
  },
});
