#pragma once
/*
 * Time-series bar charts as SVG, made on the server (the admin's stats
 * pages, docs/internals/admin-stats.md). Pure: a series in, SVG text out;
 * no clock, no store, no script.
 *
 *	int64_t views[48] = {...};
 *	struct nd_chart c = {.title = "Views per hour", .unit = "views",
 *	                     .start = first_hour * 3600, .step = 3600,
 *	                     .values = views, .n = 48};
 *	nd_chart_svg(&c, &out);
 *
 * The picture: one bar per bucket, a y axis from 0 with round ticks
 * (1-2-5 steps) and gridlines, x labels in UTC (hours and dates), a
 * <title> per bucket with its exact value and time (a tooltip without
 * script), and role="img", aria-label, <title> and <desc> saying what it
 * shows, its total and its peak. A series with no views at all is drawn
 * as a frame with "No <unit> in this period". Every text is XML-escaped.
 * The viewBox is fixed (ND_CHART_WIDTH x ND_CHART_HEIGHT) and the element
 * has class "chart" and no width or height, so CSS scales it.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define ND_CHART_WIDTH  720
#define ND_CHART_HEIGHT 230
/* The plot area inside the viewBox. */
#define ND_CHART_LEFT   60
#define ND_CHART_TOP    30
#define ND_CHART_PLOT_W 640
#define ND_CHART_PLOT_H 160
/* Values above this are drawn as this (the scale would overflow); their
 * <title> still says the exact value. */
#define ND_CHART_VALUE_MAX ((int64_t)1 << 60)

struct nd_chart {
	const char *title;     /* "Views per hour"; NULL: "" */
	const char *unit;      /* what a value counts, plural: "views"; NULL: "" */
	int64_t start;         /* Unix seconds (UTC) at which bucket 0 starts */
	int64_t step;          /* seconds per bucket, > 0; a multiple of 86400 shows dates only */
	const int64_t *values; /* n values; a negative one counts as 0 */
	size_t n;
};

/*
 * Appends the <svg> element of c to out. Errors: ND_EINVAL (nothing
 * appended) when step <= 0, or values is NULL with n > 0; else out's
 * sticky error (ND_ETOOBIG when its limit is reached).
 */
int nd_chart_svg(const struct nd_chart *c, struct nd_buf *out);

/*
 * The y scale of a series whose largest value is max: the smallest step
 * of the form 1, 2 or 5 times a power of ten that covers max in at most 5
 * steps, and *top = the first multiple of step >= max (step 1, top 1 for
 * max <= 0). max 7: step 2, top 8; max 1234: step 500, top 1500. max is
 * clamped to ND_CHART_VALUE_MAX.
 */
int64_t nd_chart_nice_step(int64_t max, int64_t *top);

/* n with thousands separators: "12,345", "-7". */
void nd_chart_format_count(int64_t n, char out[32]);
