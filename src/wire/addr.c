/* Address classes for the feed fetcher (wire/addr.h). */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "wire/addr.h"

/* Whether the IPv4 address a (host order) is not public unicast. */
static bool v4_internal(uint32_t a)
{
	static const struct {
		uint32_t net, mask;
	} ranges[] = {
	    {0x00000000, 0xff000000}, /* 0.0.0.0/8 "this network" */
	    {0x0a000000, 0xff000000}, /* 10/8 private */
	    {0x64400000, 0xffc00000}, /* 100.64/10 shared (carrier NAT) */
	    {0x7f000000, 0xff000000}, /* 127/8 loopback */
	    {0xa9fe0000, 0xffff0000}, /* 169.254/16 link-local, cloud metadata */
	    {0xac100000, 0xfff00000}, /* 172.16/12 private */
	    {0xc0000000, 0xffffff00}, /* 192.0.0/24 protocol assignments */
	    {0xc0000200, 0xffffff00}, /* 192.0.2/24 documentation */
	    {0xc0a80000, 0xffff0000}, /* 192.168/16 private */
	    {0xc6120000, 0xfffe0000}, /* 198.18/15 benchmarking */
	    {0xc6336400, 0xffffff00}, /* 198.51.100/24 documentation */
	    {0xcb007100, 0xffffff00}, /* 203.0.113/24 documentation */
	    {0xe0000000, 0xe0000000}, /* 224/4 multicast, 240/4 reserved, broadcast */
	};

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if ((a & ranges[i].mask) == ranges[i].net)
			return true;
	return false;
}

static uint32_t v4_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool nd_wire_addr_internal(const char *ip)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
	uint8_t a[16];

	if (!ip)
		return true;
	if (inet_pton(AF_INET, ip, a) == 1)
		return v4_internal(v4_at(a));
	if (inet_pton(AF_INET6, ip, a) != 1)
		return true;
	if (!memcmp(a, mapped, 12) || !memcmp(a, nat64, 12))
		return v4_internal(v4_at(a + 12));
	if ((a[0] & 0xe0) != 0x20) /* outside 2000::/3, the global unicast space */
		return true;
	/* 2001:db8::/32 documentation; 2001::/23 protocol assignments (Teredo
	 * and others, which can tunnel to anywhere); 2002::/16 6to4. */
	if (a[0] == 0x20 && a[1] == 0x01 && ((a[2] == 0x0d && a[3] == 0xb8) || a[2] < 0x02))
		return true;
	return a[0] == 0x20 && a[1] == 0x02;
}

bool nd_wire_redirect_allowed(const char *first, const char *next)
{
	return !nd_wire_addr_internal(next) || nd_wire_addr_internal(first);
}
