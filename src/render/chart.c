/*
 * SVG bar charts of time series (render/chart.h). Layout, in viewBox
 * units: the title at the top left, the plot area ND_CHART_PLOT_W x
 * ND_CHART_PLOT_H at (ND_CHART_LEFT, ND_CHART_TOP), y labels to its left,
 * x labels below it. Each bucket has a slot of PLOT_W / n; its bar takes
 * the middle 80 % of the slot, and an invisible rectangle over the whole
 * slot carries the <title>, so a bucket with 0 has a tooltip too.
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "render/chart.h"
#include "render/escape.h"

#define Y_STEPS     5  /* at most this many steps from 0 to the top */
#define X_LABELS    12 /* at most this many x labels */
#define COLOR_BAR   "#0b57d0"
#define COLOR_GRID  "#e1e4e8"
#define COLOR_AXIS  "#8a929b"
#define COLOR_LABEL "#57606a"
#define COLOR_TITLE "#1f2328"

static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t nd_chart_nice_step(int64_t max, int64_t *top)
{
	static const int64_t mult[] = {1, 2, 5, 10};
	int64_t p = 1, step = 1;

	if (max <= 0) {
		*top = 1;
		return 1;
	}
	if (max > ND_CHART_VALUE_MAX)
		max = ND_CHART_VALUE_MAX;
	/* The largest power of ten with 10 p * Y_STEPS <= max, then the first
	 * of 1, 2, 5, 10 times it that covers max in Y_STEPS steps. */
	while (p <= max / Y_STEPS / 10)
		p *= 10;
	for (size_t i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
		step = mult[i] * p;
		if (step * Y_STEPS >= max)
			break;
	}
	*top = (max + step - 1) / step * step;
	return step;
}

void nd_chart_format_count(int64_t n, char out[32])
{
	char digits[24];
	uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	size_t len, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
	if (n < 0)
		out[o++] = '-';
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* A y label: "1,500" below 10,000 (or when the top is), else "15k", "2.5M". */
static void y_label(int64_t v, bool compact, char out[32])
{
	static const struct {
		int64_t unit;
		const char *suffix;
	} units[] = {
	    {1000000000000000000LL, "E"}, {1000000000000000LL, "P"}, {1000000000000LL, "T"},
	    {1000000000LL, "G"},          {1000000LL, "M"},          {1000LL, "k"}};

	if (compact)
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			int64_t whole = v / units[i].unit,
			        tenth = v % units[i].unit * 10 / units[i].unit;
			if (!whole)
				continue;
			if (tenth && whole < 100)
				snprintf(out, 32, "%lld.%lld%s", (long long)whole, (long long)tenth,
				         units[i].suffix);
			else
				snprintf(out, 32, "%lld%s", (long long)whole, units[i].suffix);
			return;
		}
	nd_chart_format_count(v, out);
}

/* "29 Nov 2026" and, with time, "29 Nov 2026, 14:00" (UTC). */
static void fmt_time(int64_t t, bool with_time, char out[48])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (with_time)
		snprintf(out, 48, "%d %s %d, %02d:%02d", tm.tm_mday, months[tm.tm_mon],
		         tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(out, 48, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

static void add_escaped(struct nd_buf *out, const char *s)
{
	nd_escape_xml(out, s, strlen(s));
}

/* The time of bucket i for its tooltip: "29 Nov 2026" for days,
 * "29 Nov 2026, 14:00-15:00 UTC" otherwise. */
static void add_bucket_time(struct nd_buf *out, const struct nd_chart *c, size_t i)
{
	int64_t t = c->start + (int64_t)i * c->step;
	char a[48], b[48];
	time_t tt = (time_t)(t + c->step);
	struct tm tm;

	if (c->step % 86400 == 0) {
		fmt_time(t, false, a);
		nd_buf_adds(out, a);
		if (c->step > 86400) {
			fmt_time(t + c->step - 86400, false, b);
			nd_buf_addf(out, " to %s", b);
		}
		return;
	}
	fmt_time(t, true, a);
	gmtime_r(&tt, &tm);
	nd_buf_addf(out, "%s-%02d:%02d UTC", a, tm.tm_hour, tm.tm_min);
}

/* The summary: "from A to B: total N views, peak M views on C." */
static void add_summary(struct nd_buf *out, const struct nd_chart *c, int64_t total, size_t peak)
{
	bool days = c->step % 86400 == 0;
	char a[48], b[48], num[32];
	const char *unit = c->unit ? c->unit : "";

	fmt_time(c->start, !days, a);
	fmt_time(c->start + (int64_t)(c->n ? c->n - 1 : 0) * c->step, !days, b);
	nd_buf_addf(out, "%s to %s%s: ", a, b, days ? "" : " UTC");
	nd_chart_format_count(total, num);
	nd_buf_addf(out, "total %s ", num);
	add_escaped(out, unit);
	if (!total)
		return;
	nd_chart_format_count(c->values[peak], num);
	nd_buf_addf(out, ", peak %s ", num);
	add_escaped(out, unit);
	nd_buf_adds(out, days ? " on " : " at ");
	add_bucket_time(out, c, peak);
}

/* The x label of bucket i, or NULL for none: hours every k hours of the
 * day ("06:00", the date at midnight), days every k days counted back
 * from the last bucket ("29 Nov"). */
static const char *x_label(const struct nd_chart *c, size_t i, char out[32])
{
	static const int64_t hour_k[] = {1, 2, 3, 6, 12, 24};
	static const int64_t day_k[] = {1, 2, 7, 14, 28, 56, 91, 182, 364};
	int64_t t = c->start + (int64_t)i * c->step;
	time_t tt = (time_t)t;
	struct tm tm;
	int64_t k = 0;

	gmtime_r(&tt, &tm);
	if (c->step == 3600) {
		for (size_t j = 0; j < sizeof(hour_k) / sizeof(hour_k[0]) && !k; j++)
			if (c->n / (size_t)hour_k[j] < X_LABELS)
				k = hour_k[j];
		if (!k || tm.tm_hour % k || tm.tm_min)
			return NULL;
		if (tm.tm_hour == 0)
			snprintf(out, 32, "%d %s", tm.tm_mday, months[tm.tm_mon]);
		else
			snprintf(out, 32, "%02d:00", tm.tm_hour);
		return out;
	}
	for (size_t j = 0; j < sizeof(day_k) / sizeof(day_k[0]) && !k; j++)
		if (c->n / (size_t)day_k[j] < X_LABELS)
			k = day_k[j];
	if (!k)
		k = (int64_t)(c->n / X_LABELS) + 1;
	if ((int64_t)(c->n - 1 - i) % k)
		return NULL;
	if (c->step % 86400 == 0)
		snprintf(out, 32, "%d %s", tm.tm_mday, months[tm.tm_mon]);
	else
		snprintf(out, 32, "%d %s %02d:%02d", tm.tm_mday, months[tm.tm_mon], tm.tm_hour,
		         tm.tm_min);
	return out;
}

static void add_axes(struct nd_buf *out, int64_t step, int64_t top)
{
	bool compact = top >= 10000;
	char label[32];

	nd_buf_adds(out, "<g class=\"y\" stroke=\"" COLOR_GRID "\">");
	for (int64_t v = 0; v <= top; v += step) {
		double y =
		    ND_CHART_TOP + ND_CHART_PLOT_H - (double)v / (double)top * ND_CHART_PLOT_H;
		nd_buf_addf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\"/>",
		            ND_CHART_LEFT, y, ND_CHART_LEFT + ND_CHART_PLOT_W, y);
		y_label(v, compact, label);
		nd_buf_addf(out,
		            "<text x=\"%d\" y=\"%.2f\" stroke=\"none\" fill=\"" COLOR_LABEL
		            "\" text-anchor=\"end\">%s</text>",
		            ND_CHART_LEFT - 6, y + 4, label);
		if (top - v < step)
			break;
	}
	nd_buf_adds(out, "</g>");
}

static void add_bars(struct nd_buf *out, const struct nd_chart *c, int64_t top)
{
	double slot = (double)ND_CHART_PLOT_W / (double)c->n;
	char num[32], label[32];

	nd_buf_adds(out, "<g class=\"bars\">");
	for (size_t i = 0; i < c->n; i++) {
		int64_t v = c->values[i] < 0 ? 0 : c->values[i];
		int64_t drawn = v > top ? top : v;
		double x = ND_CHART_LEFT + (double)i * slot;
		double h = (double)drawn / (double)top * ND_CHART_PLOT_H;

		nd_chart_format_count(v, num);
		nd_buf_adds(out, "<g><title>");
		add_bucket_time(out, c, i);
		nd_buf_addf(out, ": %s ", num);
		add_escaped(out, c->unit ? c->unit : "");
		nd_buf_addf(out,
		            "</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
		            "fill=\"#fff\" fill-opacity=\"0\"/>",
		            x, ND_CHART_TOP, slot, ND_CHART_PLOT_H);
		nd_buf_addf(out,
		            "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		            "height=\"%.2f\" fill=\"" COLOR_BAR "\"/></g>",
		            x + slot * 0.1, ND_CHART_TOP + ND_CHART_PLOT_H - h, slot * 0.8, h);
	}
	nd_buf_adds(out, "</g><g class=\"x\" fill=\"" COLOR_LABEL "\" text-anchor=\"middle\">");
	for (size_t i = 0; i < c->n; i++)
		if (x_label(c, i, label))
			nd_buf_addf(out, "<text x=\"%.2f\" y=\"%d\">%s</text>",
			            ND_CHART_LEFT + ((double)i + 0.5) * slot,
			            ND_CHART_TOP + ND_CHART_PLOT_H + 18, label);
	nd_buf_adds(out, "</g>");
}

int nd_chart_svg(const struct nd_chart *c, struct nd_buf *out)
{
	const char *title = c->title ? c->title : "", *unit = c->unit ? c->unit : "";
	int64_t total = 0, max = 0, step, top;
	struct nd_buf summary = ND_BUF_INIT;
	size_t peak = 0;

	if (c->step <= 0 || (!c->values && c->n))
		return nd_error(ND_EINVAL, "chart '%s': no step or no values", title);
	for (size_t i = 0; i < c->n; i++) {
		int64_t v = c->values[i] < 0 ? 0 : c->values[i];
		total = total > INT64_MAX - v ? INT64_MAX : total + v;
		if (v > max) {
			max = v;
			peak = i;
		}
	}
	step = nd_chart_nice_step(max, &top);

	nd_buf_addf(
	    out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"11\" "
	    "aria-label=\"",
	    ND_CHART_WIDTH, ND_CHART_HEIGHT);
	add_escaped(out, title);
	nd_buf_adds(out, ", ");
	add_summary(&summary, c, total, peak);
	nd_buf_add(out, summary.buf, summary.len);
	nd_buf_adds(out, "\"><title>");
	add_escaped(out, title);
	nd_buf_adds(out, "</title><desc>");
	nd_buf_add(out, summary.buf, summary.len);
	nd_buf_adds(out, "</desc>");
	nd_buf_release(&summary);
	nd_buf_addf(out,
	            "<text class=\"title\" x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"600\" "
	            "fill=\"" COLOR_TITLE "\">",
	            ND_CHART_LEFT);
	add_escaped(out, title);
	nd_buf_adds(out, "</text>");
	if (!total) {
		nd_buf_addf(out,
		            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		            "stroke=\"" COLOR_GRID "\"/><text class=\"empty\" x=\"%d\" y=\"%d\" "
		            "fill=\"" COLOR_LABEL "\" text-anchor=\"middle\">No ",
		            ND_CHART_LEFT, ND_CHART_TOP, ND_CHART_PLOT_W, ND_CHART_PLOT_H,
		            ND_CHART_LEFT + ND_CHART_PLOT_W / 2,
		            ND_CHART_TOP + ND_CHART_PLOT_H / 2);
		add_escaped(out, unit);
		nd_buf_adds(out, " in this period</text></svg>");
		return nd_buf_err(out);
	}
	add_axes(out, step, top);
	add_bars(out, c, top);
	nd_buf_addf(
	    out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" COLOR_AXIS "\"/></svg>",
	    ND_CHART_LEFT, ND_CHART_TOP + ND_CHART_PLOT_H, ND_CHART_LEFT + ND_CHART_PLOT_W,
	    ND_CHART_TOP + ND_CHART_PLOT_H);
	return nd_buf_err(out);
}
