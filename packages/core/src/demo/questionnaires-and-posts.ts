/**
 * What the demo brand's members write: answers to its questionnaires, and posts about its products on
 * Xiaohongshu and Douyin with the metrics the platforms report on them.
 */
import { BRAND, inGroupAt, type Member } from './communities.ts';
import { activityTime, spanDays } from './community-activity.ts';
import { CATALOGUE, drawProduct } from './orders.ts';
import { digits, HEX, pickSome, poisson, type Rng, token } from './random.ts';
import {
  atHour,
  CHAT_HOURS,
  clamp,
  DAY,
  emit,
  type Identity,
  numbering,
  SECOND,
  type Timed,
  type Timeline,
  ymd,
} from './timeline.ts';

const CONCERNS = ['补水保湿', '美白提亮', '抗老紧致', '祛痘控油', '修护屏障', '毛孔粗大', '黑眼圈'];
const AGE_RANGES = ['18-24', '25-30', '25-30', '31-35', '31-35', '36-40', '41+'];
const TRIAL_REASONS = ['想试试新品', '一直在用小鹿，想分享', '换季皮肤不稳定', '喜欢写测评', '朋友推荐'];

/** Something the member bought, or a bestseller for members no shop knows. */
function favouriteProduct(m: Member, rng: Rng): string {
  const bought = m.person.orders.flatMap((o) => o.items);
  const sku = bought.length > 0 ? rng.pick(bought).sku : undefined;
  const product = CATALOGUE.find((p) => p.sku === sku) ?? drawProduct(rng);
  return product.short;
}

/**
 * Three questionnaires: the skin profile offered on joining, a trial-officer (体验官) recruitment a little
 * after the middle of the window, and a satisfaction survey near its end.
 */
export function emitQuestionnaires(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  const nextId = numbering();
  const submit = (m: Member, at: number, questionnaireId: string, body: Record<string, unknown>) => {
    emit(out, at, 'demo', nextId('questionnaire'), 'questionnaire.submitted', [m.wecom], {
      questionnaire_id: questionnaireId,
      answers: body,
    });
  };
  const trialDay = Math.floor(tl.days * 0.55);
  const surveyDay = Math.floor(tl.days * 0.85);
  for (const m of members) {
    const at = clamp(tl, m.joinedAt + rng.range(10 * 60 * SECOND, 5 * DAY));
    if (rng.chance(m.rate === 0 ? 0.15 : 0.35) && inGroupAt(m, at)) {
      submit(m, at, 'q-skin-profile', {
        skin_type: m.skinType,
        concerns: pickSome(rng, CONCERNS, 3),
        age_range: rng.pick(AGE_RANGES),
        monthly_budget_yuan: rng.pick([100, 200, 300, 300, 500, 500, 800, 1000, 1500]),
        sensitive: m.skinType === '敏感肌' || rng.chance(0.15),
      });
    }
    const trialAt = atHour(tl, rng, trialDay + rng.int(7), CHAT_HOURS);
    const trialChance = m.rate === 0 ? 0.01 : Math.min(0.5, 0.05 + 0.15 * Math.sqrt(m.rate));
    if (rng.chance(trialChance) && inGroupAt(m, trialAt)) {
      submit(m, trialAt, `q-trial-officer-${ymd(tl, trialDay)}`, {
        skin_type: m.skinType,
        platform: m.platform,
        followers: Math.round(Math.exp(5 + 1.6 * rng.normal())),
        posts_per_week: 1 + rng.int(5),
        product_wanted: rng.pick(CATALOGUE).short,
        reason: rng.pick(TRIAL_REASONS),
      });
    }
    const surveyAt = atHour(tl, rng, surveyDay + rng.int(5), CHAT_HOURS);
    if (rng.chance(m.rate === 0 ? 0.03 : 0.12) && inGroupAt(m, surveyAt)) {
      const nps = Math.min(10, Math.max(0, Math.round(8 + 2 * rng.normal())));
      submit(m, surveyAt, `q-satisfaction-${ymd(tl, surveyDay)}`, {
        nps,
        favourite_product: favouriteProduct(m, rng),
        would_recommend: nps >= 8,
      });
    }
  }
}

type Title = (product: string, skin: string) => string;
const TITLES: readonly Title[] = [
  (p, s) => `${p}真实测评｜${s}亲测28天`,
  (p) => `回购第三瓶的${p}，到底好在哪`,
  (p, s) => `${s}换季护肤｜${p}真的绝了`,
  (p) => `平价好用！${p}使用心得`,
  (p) => `空瓶记｜${p}值不值得买`,
  (p, s) => `${s}姐妹看过来，${p}怎么用最有效`,
  (p) => `${BRAND}${p}开箱，包装也太好看了`,
];

// Snapshots of a post's metrics, in days after publishing, and the share of its final reach by then.
const SNAPSHOTS: readonly (readonly [number, number])[] = [
  [1, 0.35],
  [3, 0.7],
  [7, 0.92],
  [30, 1],
];

/** UGC posts by the chattier members, with exposure that is log-normal and now and then goes viral. */
export function emitContent(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  const nextId = numbering();
  for (const m of members) {
    const count = m.rate === 0 ? 0 : poisson(rng, 0.008 * Math.min(m.rate, 6) ** 0.7 * spanDays(m));
    for (let i = 0; i < count; i++) {
      const at = activityTime(tl, rng, m);
      const xhs = m.platform === 'xhs';
      const contentId = nextId(xhs ? 'xhs-note' : 'douyin-video');
      const author: Identity = { kind: xhs ? 'xhs_id' : 'douyin_id', value: m.platformId };
      emit(out, at, 'demo', nextId('post'), 'content.published', [m.wecom, author], {
        content_id: contentId,
        platform: m.platform,
        title: rng.pick(TITLES)(favouriteProduct(m, rng), m.skinType),
        url: xhs
          ? `https://www.xiaohongshu.com/explore/${token(rng, 24, HEX)}`
          : `https://www.douyin.com/video/7${digits(rng, 18)}`,
      });
      const viral = rng.chance(0.02) ? rng.range(20, 80) : 1;
      const reach = Math.min(1e9, Math.round(Math.exp(Math.log(600) + 1.3 * rng.normal()) * viral));
      const likeRate = rng.range(0.02, 0.08);
      const [commentRate, saveRate, shareRate] = [
        rng.range(0.05, 0.15),
        rng.range(0.2, 0.6),
        rng.range(0.02, 0.08),
      ];
      for (const [afterDays, share] of SNAPSHOTS) {
        const snapshotAt = at + afterDays * DAY;
        if (snapshotAt > tl.end) {
          break;
        }
        // The platform reports metrics for the post's author, by their platform id only.
        const exposure = Math.floor(reach * share);
        const likes = Math.floor(exposure * likeRate);
        emit(out, snapshotAt, 'demo', nextId('metrics'), 'content.metrics', [{ ...author }], {
          content_id: contentId,
          exposure,
          likes,
          comments: Math.floor(likes * commentRate),
          saves: Math.floor(likes * saveRate),
          shares: Math.floor(likes * shareRate),
        });
      }
    }
  }
}
