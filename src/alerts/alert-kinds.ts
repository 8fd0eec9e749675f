export const ALERT_KINDS = ['USAGE_80', 'USAGE_100', 'BALANCE_EXHAUSTED', 'MEMBER_CAP_REACHED', 'OVERAGE_CAP_REACHED', 'TOPUP_EXPIRED_UNUSED'] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];
