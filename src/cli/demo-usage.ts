import { UsageEvent, toUsageEvent } from '../usage/usage-event';
import { UsageRecorder } from '../usage/ledger/usage-recorder.service';

export interface DemoLine {
  subscriberId: string;
  subscriptionId: string;
  plan: string;
  from: Date;
}

const MODELS_ALL = ['deepseek-v3', 'deepseek-r1', 'qwen-max', 'qwen-turbo', 'doubao-pro-32k', 'kimi-k2', 'glm-4-plus', 'glm-4-flash'];
const MODELS_CHEAP = ['qwen-turbo', 'doubao-lite', 'ernie-speed', 'glm-4-flash'];
const BATCH = 500;

/** A deterministic pseudo-random sequence, so two demo runs print the same figures. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function eventsFor(lines: DemoLine[], monthStart: Date, monthEnd: Date): UsageEvent[] {
  const rand = rng(42);
  const events: UsageEvent[] = [];
  lines.forEach((line, li) => {
    const heavy = line.plan === 'business-pool-s' || li % 5 === 0;
    const perDay = heavy ? 40 : 12;
    for (let t = Math.max(line.from.getTime(), monthStart.getTime()) + 60_000; t < monthEnd.getTime(); t += 86_400_000 / perDay) {
      const models = line.plan === 'personal-1' ? MODELS_CHEAP : MODELS_ALL;
      const at = new Date(Math.min(monthEnd.getTime() - 1, t + Math.floor(rand() * 60_000)));
      events.push(
        toUsageEvent({
          eventId: `demo-${li}-${t}`,
          subscriberId: line.subscriberId,
          model: models[Math.floor(rand() * models.length)],
          inputTokens: Math.floor(rand() * (heavy ? 60_000 : 20_000)),
          outputTokens: Math.floor(rand() * (heavy ? 15_000 : 4_000)),
          occurredAt: at.toISOString(),
        }),
      );
    }
  });
  return events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/**
 * Sends the month's events through the real recorder in batches, each with the clock of its last
 * event; every tenth batch is sent twice, as a gateway retrying after a timeout would.
 */
export async function simulateMonth(recorder: UsageRecorder, lines: DemoLine[], monthStart: Date, monthEnd: Date) {
  const events = eventsFor(lines, monthStart, monthEnd);
  const totals = { sent: 0, recorded: 0, duplicates: 0, rejected: 0 };
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    const now = new Date(batch[batch.length - 1].occurredAt.getTime() + 60_000);
    const sends = (i / BATCH) % 10 === 9 ? 2 : 1;
    for (let k = 0; k < sends; k++) {
      const r = await recorder.record(batch, { now });
      totals.sent += batch.length;
      totals.recorded += r.recorded;
      totals.duplicates += r.duplicates;
      totals.rejected += r.rejected;
    }
  }
  return totals;
}
