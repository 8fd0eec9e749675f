/** Every BullMQ queue of the product, named in one place. */
export const QUEUES = {
  usageEvents: 'usage-events',
  maintenance: 'maintenance',
  rating: 'rating',
  settlement: 'settlement',
  webhookDeliveries: 'webhook-deliveries',
  alerts: 'alerts',
  rejectedUsageRetry: 'rejected-usage-retry',
  reservations: 'reservations',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
