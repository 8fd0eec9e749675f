import { EntityManager } from 'typeorm';

export interface RateVersion {
  id: string;
  effectiveFrom: Date;
  inputWeightScaled: number;
  outputWeightScaled: number;
}

/** Every rate version of the models a batch names, looked up in memory by instant. */
export class ModelRateBook {
  private constructor(private readonly versions: Map<string, RateVersion[]>) {}

  static async load(em: EntityManager, modelCodes: string[]): Promise<ModelRateBook> {
    const rows: { id: string; model_code: string; effective_from: Date; input_weight_scaled: string; output_weight_scaled: string }[] = await em.query(
      `SELECT r.id, r.model_code, r.effective_from, r.input_weight_scaled, r.output_weight_scaled
       FROM model_rates r WHERE r.model_code = ANY($1::text[]) ORDER BY r.model_code, r.effective_from`,
      [modelCodes],
    );
    const versions = new Map<string, RateVersion[]>();
    for (const r of rows) {
      const list = versions.get(r.model_code) ?? [];
      list.push({ id: r.id, effectiveFrom: r.effective_from, inputWeightScaled: Number(r.input_weight_scaled), outputWeightScaled: Number(r.output_weight_scaled) });
      versions.set(r.model_code, list);
    }
    return new ModelRateBook(versions);
  }

  /** The version in force at `at`: the latest whose effectiveFrom is at or before it; null for an unknown model. */
  rateAt(model: string, at: Date): RateVersion | null {
    const list = this.versions.get(model);
    if (!list) return null;
    let found: RateVersion | null = null;
    for (const v of list) if (v.effectiveFrom.getTime() <= at.getTime()) found = v;
    return found;
  }
}
