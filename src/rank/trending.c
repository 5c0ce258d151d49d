/*
 * Scores: what each window ranks by, from the sums window.c keeps. The
 * trending formula is documented with struct nd_rank_params (rank.h).
 */
#include "core/mem.h"
#include "rank/rank_int.h"

double nd__rank_trend_score(const struct nd_rank_params *p, uint32_t recent, uint32_t base,
                            int64_t base_hours, double span_hours)
{
	double expected = 0;

	if (recent == 0 || recent < p->trend_min_views)
		return 0;
	if (base_hours > 0)
		expected = span_hours * (double)base / (double)base_hours;
	return ((double)recent + p->trend_prior) / (expected + p->trend_prior);
}

void nd__rank_score(const struct nd_rank *r, const struct nd__rank_art *a, enum nd_rank_window w,
                    uint32_t *views, double *score)
{
	switch (w) {
	case ND_RANK_1H:
		*views = nd_rank_1h_views(nd__rank_hour_views(a, r->hour),
		                          nd__rank_hour_views(a, r->hour - 1), r->now);
		*score = *views;
		return;
	case ND_RANK_24H:
		*views = a->s24;
		*score = *views;
		return;
	case ND_RANK_7D:
		*views = a->s7d;
		*score = *views;
		return;
	case ND_RANK_TRENDING: {
		/* Base hours: from the later of the window's start and the
		 * hour the article was published, to H-3. */
		int64_t first = nd_rank_hour(a->published_at);
		int64_t last = r->hour - ND__RANK_RECENT_HOURS;
		double span = (ND__RANK_RECENT_HOURS - 1) + (r->minute + 1) / 60.0;

		if (first < r->hour - (ND_RANK_HOURS - 1))
			first = r->hour - (ND_RANK_HOURS - 1);
		*views = a->s3;
		*score = nd__rank_trend_score(&r->p, a->s3, a->s7d - a->s3,
		                              last >= first ? last - first + 1 : 0, span);
		return;
	}
	case ND_RANK_WINDOWS: break;
	}
	ND_BUG("bad window %d", (int)w);
}
