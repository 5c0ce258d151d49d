#include "ingest/rfc3339.h"

#include <stdbool.h>

#include "core/err.h"

int nd_is_leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned nd_days_in_month(int64_t y, unsigned m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && nd_is_leap_year(y));
}

/*
 * Howard Hinnant's days_from_civil: shifts the year to start in March so
 * the leap day is the last day of the year, then counts whole 400-year
 * eras (146097 days each) plus the day within the era.
 */
int64_t nd_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The inverse of nd_days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n ASCII digits at s[*pos]; false if any is not a digit. */
static bool digits(const char *s, size_t len, size_t *pos, int n, unsigned *out)
{
	unsigned v = 0;

	if (len - *pos < (size_t)n)
		return false;
	for (int i = 0; i < n; i++) {
		char c = s[*pos + (size_t)i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*pos += (size_t)n;
	*out = v;
	return true;
}

static bool expect(const char *s, size_t len, size_t *pos, char c)
{
	if (*pos >= len || s[*pos] != c)
		return false;
	(*pos)++;
	return true;
}

int nd_rfc3339_parse(const char *s, size_t len, int64_t *out)
{
	unsigned year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0, oh = 0, om = 0;
	int sign = 0;
	size_t pos = 0;
	int64_t t;

	if (!s)
		return ND_EINVAL;
	if (!digits(s, len, &pos, 4, &year) || !expect(s, len, &pos, '-') ||
	    !digits(s, len, &pos, 2, &mon) || !expect(s, len, &pos, '-') ||
	    !digits(s, len, &pos, 2, &day))
		return ND_EINVAL;
	if (mon < 1 || mon > 12 || day < 1 || day > nd_days_in_month(year, mon))
		return ND_EINVAL;
	t = nd_days_from_civil(year, mon, day) * 86400;
	if (pos == len) {
		*out = t;
		return 0;
	}

	if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
		return ND_EINVAL;
	pos++;
	if (!digits(s, len, &pos, 2, &hour) || !expect(s, len, &pos, ':') ||
	    !digits(s, len, &pos, 2, &min) || !expect(s, len, &pos, ':') ||
	    !digits(s, len, &pos, 2, &sec))
		return ND_EINVAL;
	if (hour > 23 || min > 59 || sec > 60)
		return ND_EINVAL;
	/* Unix time has no leap seconds; 23:59:60 becomes 23:59:59. */
	if (sec == 60)
		sec = 59;
	if (pos < len && s[pos] == '.') {
		size_t start = ++pos;
		while (pos < len && s[pos] >= '0' && s[pos] <= '9')
			pos++;
		if (pos == start)
			return ND_EINVAL;
	}
	if (pos >= len)
		return ND_EINVAL; /* the offset is not optional */
	if (s[pos] == 'Z' || s[pos] == 'z') {
		pos++;
	} else if (s[pos] == '+' || s[pos] == '-') {
		sign = s[pos] == '+' ? 1 : -1;
		pos++;
		if (!digits(s, len, &pos, 2, &oh) || !expect(s, len, &pos, ':') ||
		    !digits(s, len, &pos, 2, &om))
			return ND_EINVAL;
		if (oh > 23 || om > 59)
			return ND_EINVAL;
	} else {
		return ND_EINVAL;
	}
	if (pos != len)
		return ND_EINVAL;
	/* Local time minus its offset is UTC: 12:00+02:00 is 10:00Z. */
	t += (int64_t)hour * 3600 + min * 60 + sec;
	t -= sign * ((int64_t)oh * 3600 + om * 60);
	*out = t;
	return 0;
}

/* Writes v as exactly n decimal digits, zero-padded. */
static void put_digits(char *out, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

int nd_rfc3339_format(int64_t t, char *out)
{
	int64_t days, secs, y;
	unsigned m, d;

	/* Floor division, so times before 1970 land on the right day. */
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return ND_EINVAL;
	/* By hand: snprintf's %02d cannot prove to the compiler that it fits. */
	put_digits(out, (unsigned)y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = 'T';
	put_digits(out + 11, (unsigned)(secs / 3600), 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned)(secs % 60), 2);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}
