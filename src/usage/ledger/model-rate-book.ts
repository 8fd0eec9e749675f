import { ModelRate } from '../../catalog/entities/model-rate.entity';

/**
 * Every rate version of the models a batch names (as loaded by ModelRatesService.ratesOf),
 * looked up in memory by instant so rating needs no query per event.
 */
export class ModelRateBook {
  constructor(private readonly versions: Map<string, ModelRate[]>) {}

  /** The version in force at `at`: the latest whose effectiveFrom is at or before it; null for an unknown model. */
  rateAt(model: string, at: Date): ModelRate | null {
    let found: ModelRate | null = null;
    for (const v of this.versions.get(model) ?? []) if (v.effectiveFrom.getTime() <= at.getTime()) found = v;
    return found;
  }
}
