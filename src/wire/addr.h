#pragma once
/*
 * Address classes for the feed fetcher: a feed on the public internet must
 * not redirect the server to its own network (a cloud metadata service at
 * 169.254.169.254, an admin port on 127.0.0.1, a database on 10.0.0.5).
 * A feed the site's config itself names on such an address is the
 * publisher's choice, and is fetched.
 */
#include <stdbool.h>

/*
 * Whether ip (numeric IPv4 or IPv6 text, as libcurl reports the address
 * it connected to) is not a public unicast address: loopback, private
 * (RFC 1918, fc00::/7), shared (100.64/10), link-local, unspecified,
 * multicast, broadcast, reserved or documentation ranges, and IPv4-mapped
 * or NAT64 forms of those. Text that is no address counts as not public.
 */
bool nd_wire_addr_internal(const char *ip);

/*
 * Whether a transfer that started at address first may go on to address
 * next after a redirect: yes unless next is internal and first was not.
 */
bool nd_wire_redirect_allowed(const char *first, const char *next);
