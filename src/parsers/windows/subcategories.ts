/**
 * Advanced audit policy subcategories by GUID (ntsecapi.h). Names printed by auditpol are localised (a Japanese
 * Windows prints Japanese names), so socready keys every decision by GUID and keeps these names only for display.
 */
export interface Subcategory {
  guid: string;
  category: string;
  name: string;
}

const G = (n: string) => `0cce${n}-69ae-11d9-bed3-505054503030`;

export const SUBCATEGORIES: Subcategory[] = [
  { guid: G('9210'), category: 'System', name: 'Security State Change' },
  { guid: G('9211'), category: 'System', name: 'Security System Extension' },
  { guid: G('9212'), category: 'System', name: 'System Integrity' },
  { guid: G('9213'), category: 'System', name: 'IPsec Driver' },
  { guid: G('9214'), category: 'System', name: 'Other System Events' },
  { guid: G('9215'), category: 'Logon/Logoff', name: 'Logon' },
  { guid: G('9216'), category: 'Logon/Logoff', name: 'Logoff' },
  { guid: G('9217'), category: 'Logon/Logoff', name: 'Account Lockout' },
  { guid: G('9218'), category: 'Logon/Logoff', name: 'IPsec Main Mode' },
  { guid: G('9219'), category: 'Logon/Logoff', name: 'IPsec Quick Mode' },
  { guid: G('921a'), category: 'Logon/Logoff', name: 'IPsec Extended Mode' },
  { guid: G('921b'), category: 'Logon/Logoff', name: 'Special Logon' },
  { guid: G('921c'), category: 'Logon/Logoff', name: 'Other Logon/Logoff Events' },
  { guid: G('9243'), category: 'Logon/Logoff', name: 'Network Policy Server' },
  { guid: G('9247'), category: 'Logon/Logoff', name: 'User / Device Claims' },
  { guid: G('9249'), category: 'Logon/Logoff', name: 'Group Membership' },
  { guid: G('921d'), category: 'Object Access', name: 'File System' },
  { guid: G('921e'), category: 'Object Access', name: 'Registry' },
  { guid: G('921f'), category: 'Object Access', name: 'Kernel Object' },
  { guid: G('9220'), category: 'Object Access', name: 'SAM' },
  { guid: G('9221'), category: 'Object Access', name: 'Certification Services' },
  { guid: G('9222'), category: 'Object Access', name: 'Application Generated' },
  { guid: G('9223'), category: 'Object Access', name: 'Handle Manipulation' },
  { guid: G('9224'), category: 'Object Access', name: 'File Share' },
  { guid: G('9225'), category: 'Object Access', name: 'Filtering Platform Packet Drop' },
  { guid: G('9226'), category: 'Object Access', name: 'Filtering Platform Connection' },
  { guid: G('9227'), category: 'Object Access', name: 'Other Object Access Events' },
  { guid: G('9244'), category: 'Object Access', name: 'Detailed File Share' },
  { guid: G('9245'), category: 'Object Access', name: 'Removable Storage' },
  { guid: G('9246'), category: 'Object Access', name: 'Central Policy Staging' },
  { guid: G('9228'), category: 'Privilege Use', name: 'Sensitive Privilege Use' },
  { guid: G('9229'), category: 'Privilege Use', name: 'Non Sensitive Privilege Use' },
  { guid: G('922a'), category: 'Privilege Use', name: 'Other Privilege Use Events' },
  { guid: G('922b'), category: 'Detailed Tracking', name: 'Process Creation' },
  { guid: G('922c'), category: 'Detailed Tracking', name: 'Process Termination' },
  { guid: G('922d'), category: 'Detailed Tracking', name: 'DPAPI Activity' },
  { guid: G('922e'), category: 'Detailed Tracking', name: 'RPC Events' },
  { guid: G('9248'), category: 'Detailed Tracking', name: 'Plug and Play Events' },
  { guid: G('924a'), category: 'Detailed Tracking', name: 'Token Right Adjusted Events' },
  { guid: G('922f'), category: 'Policy Change', name: 'Audit Policy Change' },
  { guid: G('9230'), category: 'Policy Change', name: 'Authentication Policy Change' },
  { guid: G('9231'), category: 'Policy Change', name: 'Authorization Policy Change' },
  { guid: G('9232'), category: 'Policy Change', name: 'MPSSVC Rule-Level Policy Change' },
  { guid: G('9233'), category: 'Policy Change', name: 'Filtering Platform Policy Change' },
  { guid: G('9234'), category: 'Policy Change', name: 'Other Policy Change Events' },
  { guid: G('9235'), category: 'Account Management', name: 'User Account Management' },
  { guid: G('9236'), category: 'Account Management', name: 'Computer Account Management' },
  { guid: G('9237'), category: 'Account Management', name: 'Security Group Management' },
  { guid: G('9238'), category: 'Account Management', name: 'Distribution Group Management' },
  { guid: G('9239'), category: 'Account Management', name: 'Application Group Management' },
  { guid: G('923a'), category: 'Account Management', name: 'Other Account Management Events' },
  { guid: G('923b'), category: 'DS Access', name: 'Directory Service Access' },
  { guid: G('923c'), category: 'DS Access', name: 'Directory Service Changes' },
  { guid: G('923d'), category: 'DS Access', name: 'Directory Service Replication' },
  { guid: G('923e'), category: 'DS Access', name: 'Detailed Directory Service Replication' },
  { guid: G('923f'), category: 'Account Logon', name: 'Credential Validation' },
  { guid: G('9240'), category: 'Account Logon', name: 'Kerberos Service Ticket Operations' },
  { guid: G('9241'), category: 'Account Logon', name: 'Other Account Logon Events' },
  { guid: G('9242'), category: 'Account Logon', name: 'Kerberos Authentication Service' },
];

export const SUBCATEGORY_BY_GUID = new Map(SUBCATEGORIES.map((s) => [s.guid, s]));
