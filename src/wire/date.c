/* Feed dates: RFC 822 and its relatives, RFC 3339 / W3CDTF, ISO 8601 basic. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "ingest/rfc3339.h"
#include "wire/parse.h"

struct cur {
	const char *p;
};

static void skip_space(struct cur *c)
{
	while (*c->p && (isspace((unsigned char)*c->p) || *c->p == ','))
		c->p++;
}

/* Reads 1..max digits; returns the count read (0: none). */
static int digits(struct cur *c, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)c->p[n])) {
		*v = *v * 10 + (c->p[n] - '0');
		n++;
	}
	c->p += n;
	return n;
}

static bool valid(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
	       (unsigned)d <= nd_days_in_month(y, (unsigned)mo) && h >= 0 && h <= 24 && mi >= 0 &&
	       mi <= 59 && s >= 0 && s <= 60;
}

static int64_t civil(int y, int mo, int d, int h, int mi, int s)
{
	if (s == 60)
		s = 59;
	return nd_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

/* A zone after the time: +hhmm, +hh:mm, +hh, Z or a name; *off in seconds. */
static bool zone(struct cur *c, int *off, bool names)
{
	static const struct {
		const char *name;
		int hours;
	} zones[] = {
	    {"GMT", 0},  {"UTC", 0},  {"UT", 0},   {"Z", 0},    {"EST", -5},  {"EDT", -4},
	    {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8},  {"PDT", -7},
	    {"BST", 1},  {"CET", 1},  {"CEST", 2}, {"JST", 9},  {"AEST", 10}, {"IST", 5},
	};
	int h, m = 0, sign;

	while (*c->p == ' ')
		c->p++;
	if (!*c->p) {
		*off = 0;
		return true;
	}
	if (*c->p == '+' || *c->p == '-') {
		sign = *c->p == '-' ? -1 : 1;
		c->p++;
		if (digits(c, 2, &h) != 2)
			return false;
		if (*c->p == ':')
			c->p++;
		if (isdigit((unsigned char)*c->p) && digits(c, 2, &m) != 2)
			return false;
		if (h > 23 || m > 59)
			return false;
		*off = sign * (h * 3600 + m * 60);
		return true;
	}
	if (*c->p == 'Z' || *c->p == 'z') {
		c->p++;
		*off = 0;
		return true;
	}
	if (!names)
		return false;
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		size_t n = strlen(zones[i].name);
		if (!strncasecmp(c->p, zones[i].name, n) && !isalpha((unsigned char)c->p[n])) {
			c->p += n;
			*off = zones[i].hours * 3600;
			/* "GMT+0100" */
			if (*c->p == '+' || *c->p == '-') {
				int extra;
				if (!zone(c, &extra, false))
					return false;
				*off += extra;
			}
			return true;
		}
	}
	/* A military letter (A-I, K-Z) or an unknown name: read as UTC, as
	 * most readers do, since the signs of the letters were long confused. */
	if (isalpha((unsigned char)*c->p)) {
		while (isalpha((unsigned char)*c->p))
			c->p++;
		*off = 0;
		return true;
	}
	return false;
}

static int month_of(const char *p)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
	                                     "jul", "aug", "sep", "oct", "nov", "dec"};
	for (int i = 0; i < 12; i++)
		if (!strncasecmp(p, months[i], 3))
			return i + 1;
	return 0;
}

static int rfc822(const char *s, int64_t *out)
{
	struct cur c = {s};
	int d, mo, y, h = 0, mi = 0, sec = 0, off = 0, ny;

	skip_space(&c);
	/* An optional weekday, any spelling: "Sat," "Saturday," */
	if (isalpha((unsigned char)*c.p)) {
		while (isalpha((unsigned char)*c.p))
			c.p++;
		if (*c.p == '.')
			c.p++;
		skip_space(&c);
	}
	if (!digits(&c, 2, &d))
		return ND_EINVAL;
	while (*c.p == ' ' || *c.p == '-')
		c.p++;
	mo = month_of(c.p);
	if (!mo)
		return ND_EINVAL;
	while (isalpha((unsigned char)*c.p) || *c.p == '.')
		c.p++;
	while (*c.p == ' ' || *c.p == '-' || *c.p == ',')
		c.p++;
	ny = digits(&c, 4, &y);
	if (ny == 2)
		y += y < 50 ? 2000 : 1900;
	else if (ny != 4)
		return ND_EINVAL;
	while (*c.p == ' ' || *c.p == ',')
		c.p++;
	if (isdigit((unsigned char)*c.p)) {
		if (!digits(&c, 2, &h) || *c.p != ':')
			return ND_EINVAL;
		c.p++;
		if (digits(&c, 2, &mi) != 2)
			return ND_EINVAL;
		if (*c.p == ':') {
			c.p++;
			if (digits(&c, 2, &sec) != 2)
				return ND_EINVAL;
			if (*c.p == '.')
				for (c.p++; isdigit((unsigned char)*c.p); c.p++)
					;
		}
		if (!zone(&c, &off, true))
			return ND_EINVAL;
	}
	while (isspace((unsigned char)*c.p))
		c.p++;
	if (*c.p || !valid(y, mo, d, h, mi, sec))
		return ND_EINVAL;
	*out = civil(y, mo, d, h, mi, sec) - off;
	return 0;
}

/* W3CDTF and its looser relatives: YYYY[-MM[-DD[(T| )hh:mm[:ss[.f]][zone]]]],
 * and the basic form YYYYMMDD[Thhmmss][zone]. */
static int w3c(const char *s, int64_t *out)
{
	struct cur c = {s};
	int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0, off = 0, n;
	bool basic;

	while (isspace((unsigned char)*c.p))
		c.p++;
	n = digits(&c, 8, &y);
	basic = n == 8;
	if (basic) {
		d = y % 100;
		mo = y / 100 % 100;
		y /= 10000;
	} else if (n != 4) {
		return ND_EINVAL;
	} else if (*c.p == '-') {
		c.p++;
		if (digits(&c, 2, &mo) != 2)
			return ND_EINVAL;
		if (*c.p == '-') {
			c.p++;
			if (digits(&c, 2, &d) != 2)
				return ND_EINVAL;
		}
	}
	if (*c.p == 'T' || *c.p == 't' || (*c.p == ' ' && isdigit((unsigned char)c.p[1]))) {
		c.p++;
		if (digits(&c, 2, &h) != 2)
			return ND_EINVAL;
		if (*c.p == ':')
			c.p++;
		if (digits(&c, 2, &mi) != 2)
			return ND_EINVAL;
		if (*c.p == ':' || (basic && isdigit((unsigned char)*c.p))) {
			if (*c.p == ':')
				c.p++;
			if (digits(&c, 2, &sec) != 2)
				return ND_EINVAL;
		}
		if (*c.p == '.' || *c.p == ',')
			for (c.p++; isdigit((unsigned char)*c.p); c.p++)
				;
		if (*c.p && !zone(&c, &off, true))
			return ND_EINVAL;
	}
	while (isspace((unsigned char)*c.p))
		c.p++;
	if (*c.p || !valid(y, mo, d, h, mi, sec))
		return ND_EINVAL;
	*out = civil(y, mo, d, h, mi, sec) - off;
	return 0;
}

int nd_wire_date_parse(const char *s, int64_t *out)
{
	int64_t t;

	if (!s)
		return ND_EINVAL;
	if (w3c(s, &t) == 0 || rfc822(s, &t) == 0) {
		*out = t;
		return 0;
	}
	return ND_EINVAL;
}
