import { CreateModelDto } from '../src/catalog/dto/model.dto';
import { CreatePackDto } from '../src/catalog/dto/pack.dto';
import { CreatePlanDto } from '../src/catalog/dto/plan.dto';
import { CreateProviderDto } from '../src/catalog/dto/provider.dto';

/*
 * A realistic operator catalog, modelled on public Chinese model prices (rounded list prices, CNY
 * per million tokens, 2025; 1 CNY = 100 fen).
 *
 * Credits: 1 credit = 1 deepseek-v3 input token, whose list price is ¥2/M = 200 fen/M. Every
 * weight is the provider's list price divided by 200 fen, so a credit costs the operator about the
 * same on every model (free models get a small nominal weight so usage still draws credits).
 * Plan prices sit below that list cost per credit (personal-9.9: 99 fen per million credits):
 * they assume operator wholesale discounts and typical use well below the allowance, as mobile
 * data plans do. Overage (payg) is priced above list cost (220..300 fen per million credits) and
 * packs sit between plans and overage (75..125 fen per million credits).
 */

export const SEED_PROVIDERS: CreateProviderDto[] = [
  { code: 'deepseek', name: 'DeepSeek' },
  { code: 'qwen', name: 'Qwen (Alibaba Cloud Model Studio)' },
  { code: 'doubao', name: 'Doubao (ByteDance Volcano Engine)' },
  { code: 'ernie', name: 'ERNIE (Baidu Qianfan)' },
  { code: 'kimi', name: 'Kimi (Moonshot AI)' },
  { code: 'glm', name: 'GLM (Zhipu AI)' },
];

type Row = [code: string, provider: string, input: string, output: string, inFen: number, outFen: number];

// code, provider, input weight, output weight, provider fen per million input / output tokens
const MODEL_ROWS: Row[] = [
  ['deepseek-v3', 'deepseek', '1', '4', 200, 800], // ¥2 / ¥8
  ['deepseek-r1', 'deepseek', '2', '8', 400, 1600], // ¥4 / ¥16
  ['qwen-max', 'qwen', '1.2', '4.8', 240, 960], // ¥2.4 / ¥9.6
  ['qwen-turbo', 'qwen', '0.15', '0.3', 30, 60], // ¥0.3 / ¥0.6
  ['doubao-pro-32k', 'doubao', '0.4', '1', 80, 200], // ¥0.8 / ¥2
  ['doubao-lite', 'doubao', '0.15', '0.3', 30, 60], // ¥0.3 / ¥0.6
  ['ernie-4.0', 'ernie', '15', '45', 3000, 9000], // ¥30 / ¥90 (ERNIE-4.0-8K)
  ['ernie-speed', 'ernie', '0.1', '0.1', 0, 0], // free
  ['kimi-k2', 'kimi', '2', '8', 400, 1600], // ¥4 / ¥16
  ['moonshot-v1-8k', 'kimi', '6', '6', 1200, 1200], // ¥12 / ¥12
  ['glm-4-plus', 'glm', '2.5', '2.5', 500, 500], // ¥5 / ¥5
  ['glm-4-flash', 'glm', '0.1', '0.1', 0, 0], // free
];

export const SEED_MODELS: CreateModelDto[] = MODEL_ROWS.map(([code, providerCode, inputWeight, outputWeight, inFen, outFen]) => ({
  code,
  providerCode,
  inputWeight,
  outputWeight,
  providerInputPricePerMillionFen: inFen,
  providerOutputPricePerMillionFen: outFen,
}));

const CHEAP_MODELS = ['qwen-turbo', 'doubao-lite', 'ernie-speed', 'glm-4-flash'];
const BLOCK = { mode: 'block' as const, ratePerMillionFen: 0, capFen: null };
const NO_ROLLOVER = { percent: 0, maxCredits: 0 };

export const SEED_PLANS: CreatePlanDto[] = [
  {
    code: 'personal-9.9',
    name: 'Personal 9.9',
    kind: 'personal',
    monthlyFeeFen: 990,
    allowanceCredits: 10_000_000,
    models: ['*'],
    maxMembers: 1,
    overage: BLOCK,
    rollover: { percent: 50, maxCredits: 5_000_000 },
  },
  {
    code: 'personal-1',
    name: 'Personal Lite 1',
    kind: 'personal',
    monthlyFeeFen: 100,
    allowanceCredits: 400_000,
    models: CHEAP_MODELS,
    maxMembers: 1,
    overage: BLOCK,
    rollover: NO_ROLLOVER,
  },
  {
    code: 'family-5',
    name: 'Family share, 5 lines',
    kind: 'family',
    monthlyFeeFen: 2990,
    allowanceCredits: 40_000_000,
    models: ['*'],
    maxMembers: 5,
    overage: { mode: 'payg', ratePerMillionFen: 300, capFen: 5000 },
    rollover: { percent: 30, maxCredits: 12_000_000 },
  },
  {
    code: 'business-pool-s',
    name: 'Business pool S (50 lines)',
    kind: 'business',
    monthlyFeeFen: 19_900,
    allowanceCredits: 200_000_000,
    models: ['*'],
    maxMembers: 50,
    overage: { mode: 'payg', ratePerMillionFen: 250, capFen: 50_000 },
    rollover: { percent: 20, maxCredits: 40_000_000 },
  },
  {
    code: 'business-pool-l',
    name: 'Business pool L (500 lines)',
    kind: 'business',
    monthlyFeeFen: 149_900,
    allowanceCredits: 2_000_000_000,
    models: ['*'],
    maxMembers: 500,
    overage: { mode: 'payg', ratePerMillionFen: 220, capFen: 500_000 },
    rollover: { percent: 20, maxCredits: 400_000_000 },
  },
];

export const SEED_PACKS: CreatePackDto[] = [
  { code: 'pack-cycle-5m', name: '5M credits, this cycle', priceFen: 500, credits: 5_000_000, validity: { kind: 'cycle' } },
  { code: 'pack-30d-20m', name: '20M credits, 30 days', priceFen: 1500, credits: 20_000_000, validity: { kind: 'days', days: 30 } },
  { code: 'pack-7d-2m', name: '2M credits, 7 days', priceFen: 250, credits: 2_000_000, validity: { kind: 'days', days: 7 } },
];
