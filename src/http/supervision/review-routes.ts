import { Router } from 'express';
import type { Request, Response } from 'express';
import type pg from 'pg';
import { buildLawyerReview, lawyerReviewColumns } from '../../core/review/build-lawyer-review.js';
import { buildMatterReview, matterReviewColumns } from '../../core/review/build-matter-review.js';
import type { ReviewScope } from '../../core/review/collect-review-facts.js';
import { reviewPeriod } from '../../core/review/collect-review-facts.js';
import { toCsv } from '../../core/review/review-csv.js';
import { resolveDateRange } from '../../core/search/date-range.js';
import type { Viewer } from '../../core/access/viewer.js';
import { parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';
import { reviewQuerySchema } from './supervision-schemas.js';

// File review is supervision: admins and supervisors, over the matters they may see (walls still apply).
const reviewers = ['admin', 'supervisor'] as const;

/** The file review report per matter and per lawyer, as JSON and as CSV (…/matters.csv, …/lawyers.csv). */
export function reviewRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  const scopeOf = async (req: Request): Promise<ReviewScope> => {
    const viewer: Viewer = requireViewer(req);
    requireRole(viewer, reviewers);
    const query = parseQuery(req, reviewQuerySchema);
    const firm = await pool.query<{ timeZone: string }>(`SELECT "timeZone" FROM "Firm" WHERE id = $1`, [viewer.firmId]);
    const range = reviewPeriod(resolveDateRange({ ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) }, firm.rows[0]?.timeZone ?? 'UTC'));
    return { pool, viewer, range, ...(query.matter ? { matterId: query.matter } : {}), ...(query.lawyer ? { lawyerId: query.lawyer } : {}) };
  };
  const csv = (res: Response, name: string, body: string) =>
    res.status(200).set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` }).send(body);

  router.get('/api/review/matters', async (req, res) => {
    res.json(await buildMatterReview(await scopeOf(req)));
  });
  router.get('/api/review/matters.csv', async (req, res) => {
    const review = await buildMatterReview(await scopeOf(req));
    csv(res, 'file-review-matters.csv', toCsv(matterReviewColumns, review.rows));
  });
  router.get('/api/review/lawyers', async (req, res) => {
    res.json(await buildLawyerReview(await scopeOf(req)));
  });
  router.get('/api/review/lawyers.csv', async (req, res) => {
    const review = await buildLawyerReview(await scopeOf(req));
    csv(res, 'file-review-lawyers.csv', toCsv(lawyerReviewColumns, review.rows));
  });

  return router;
}
