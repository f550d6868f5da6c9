// Sysmon event IDs as Sigma log source categories (Windows Sysmon and Sysmon for Linux share the numbering).

export const SYSMON_CATEGORY: Record<number, string> = {
  1: 'process_creation',
  3: 'network_connection',
  5: 'process_termination',
  6: 'driver_load',
  7: 'image_load',
  8: 'create_remote_thread',
  9: 'raw_access_thread',
  10: 'process_access',
  11: 'file_event',
  12: 'registry_add',
  13: 'registry_set',
  14: 'registry_rename',
  15: 'create_stream_hash',
  17: 'pipe_created',
  18: 'pipe_created',
  19: 'wmi_event',
  20: 'wmi_event',
  21: 'wmi_event',
  22: 'dns_query',
  23: 'file_delete',
  25: 'process_tampering',
  26: 'file_delete',
};

