#pragma once
/*
 * RFC 3339 timestamps, the date format of the import and the API.
 *
 * Pure arithmetic on the proleptic Gregorian calendar (Howard Hinnant's
 * days-from-civil), so no timegm(), no TZ, no locale: thread-safe and exact
 * for every year from 0000 to 9999.
 */
#include <stddef.h>
#include <stdint.h>

/* Bytes nd_rfc3339_format() writes, with the NUL: "2024-03-01T12:00:00Z". */
#define ND_RFC3339_SIZE 21

/*
 * Parses the timestamp s[0..len) (need not end in NUL) into Unix seconds.
 * Accepts an RFC 3339 date-time, "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)",
 * with 'T', 't' or a space between date and time and 'Z' or 'z' for UTC; the
 * fraction is dropped (truncated toward the earlier second). As a
 * convenience a plain date "YYYY-MM-DD" means midnight UTC. Every field is
 * range-checked (month 1-12, day within the month, leap years included,
 * hour 0-23, minute 0-59, offset up to 23:59); a leap second (:60) is
 * accepted and clamped to :59. *out is set only on success.
 * Returns 0, or ND_EINVAL when s is not such a timestamp.
 */
int nd_rfc3339_parse(const char *s, size_t len, int64_t *out);

/*
 * Writes t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) to out, which has room for
 * ND_RFC3339_SIZE bytes. Returns 0, or ND_EINVAL (out untouched) when the
 * year falls outside 0000-9999.
 */
int nd_rfc3339_format(int64_t t, char *out);

/*
 * Days from 1970-01-01 to the date y-m-d of the proleptic Gregorian
 * calendar (negative before 1970). m is 1-12 and d 1-31; the date is not
 * checked.
 */
int64_t nd_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Whether y is a Gregorian leap year. */
int nd_is_leap_year(int64_t y);

/* Days in month m (1-12) of year y; 0 for a month out of range. */
unsigned nd_days_in_month(int64_t y, unsigned m);
