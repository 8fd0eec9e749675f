/** A plan lists model codes, or `*` for every model. */
export function planAllowsModel(planModels: readonly string[], model: string): boolean {
  return planModels.includes('*') || planModels.includes(model);
}
