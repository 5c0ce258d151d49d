/*
 * Bucket arithmetic: hour, day and minute of a Unix time, and which hour
 * buckets each window reads (rank.h). Floor division throughout, so times
 * before 1970 fall in the bucket that contains them too.
 */
#include "core/mem.h"
#include "rank/rank_int.h"

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t nd_rank_hour(int64_t t)
{
	return floor_div(t, 3600);
}

int64_t nd_rank_day(int64_t t)
{
	return floor_div(t, 86400);
}

int64_t nd_rank_day_of_hour(int64_t hour)
{
	return floor_div(hour, 24);
}

int nd_rank_minute(int64_t t)
{
	return (int)((t - nd_rank_hour(t) * 3600) / 60);
}

int64_t nd_rank_first_hour(int64_t now, enum nd_rank_window w)
{
	int64_t h = nd_rank_hour(now);

	switch (w) {
	case ND_RANK_1H: return h - 1;
	case ND_RANK_24H: return h - 23;
	case ND_RANK_7D:
	case ND_RANK_TRENDING: return h - (ND_RANK_HOURS - 1);
	case ND_RANK_WINDOWS: break;
	}
	ND_BUG("bad window %d", (int)w);
}

bool nd_rank_hour_in_window(int64_t hour, int64_t now, enum nd_rank_window w)
{
	return hour >= nd_rank_first_hour(now, w) && hour <= nd_rank_hour(now);
}

uint32_t nd_rank_1h_views(uint32_t cur, uint32_t prev, int64_t now)
{
	uint64_t v = cur + (uint64_t)prev * (uint64_t)(60 - nd_rank_minute(now)) / 60;

	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}
