import { INestApplicationContext } from '@nestjs/common';
import { SingleBar, Presets } from 'cli-progress';
import { RatingRunView } from '../rating/dto/rating-run.dto';
import { RatingRunService } from '../rating/rating-run.service';

const FINAL = new Set(['completed', 'failed']);

/** Starts a run and draws a live progress bar of processed / total subscriptions until it ends. */
export async function watchRun(ctx: INestApplicationContext, period: string): Promise<RatingRunView> {
  const runs = ctx.get(RatingRunService);
  const { body } = await runs.create(period, null);
  const bar = new SingleBar({ format: `bill run ${period} [{bar}] {value}/{total} subscriptions | {status}`, hideCursor: true }, Presets.shades_classic);
  bar.start(1, 0, { status: 'queued' });
  let view = body;
  while (!FINAL.has(view.status)) {
    await new Promise((r) => setTimeout(r, 500));
    view = await runs.view(body.id);
    bar.setTotal(Math.max(1, view.progress.total));
    bar.update(view.progress.processed, { status: view.status });
  }
  bar.stop();
  return view;
}
