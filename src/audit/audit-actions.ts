/** Every action the audit log records, with the kind of thing each one is about. */
export const AUDIT_ACTIONS = {
  'organization.updated': 'organization',
  'organization.deleted': 'organization',
  'organization.restored': 'organization',
  'member.added': 'member',
  'member.role_changed': 'member',
  'member.removed': 'member',
  'member.left': 'member',
  'invitation.created': 'invitation',
  'invitation.revoked': 'invitation',
  'invitation.accepted': 'invitation',
  'invitation.declined': 'invitation',
  'installation.linked': 'installation',
  'installation.unlinked': 'installation',
  'installation.synced': 'installation',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];
