/*
 * nd_bench_site_memory DB: where a site snapshot's memory goes, per
 * article (issue 8: "memory under 2 KB per article beyond the text
 * itself"). Builds the snapshot of the store DB as `newsdesk serve` does
 * and prints the text it holds per article (title, summary, description,
 * body HTML), the other strings, the article records, the maps,
 * the text index, and the process's heap (mallinfo2) after the build and a
 * malloc_trim, against the same before it.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "index/index.h"
#include "related/dedup.h"
#include "site/site.h"
#include "store/store.h"

static size_t heap(void)
{
	struct mallinfo2 m;

	malloc_trim(0);
	m = mallinfo2();
	return m.uordblks + m.hblkhd;
}

static size_t len(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

int main(int argc, char **argv)
{
	struct nd_store *store;
	struct nd_site *site;
	struct nd_index_stats is;
	size_t before, after, text = 0, strings = 0, n;
	double per;

	if (argc != 2) {
		fprintf(stderr, "usage: nd_bench_site_memory DB\n");
		return 2;
	}
	if (nd_store_open(argv[1], &store))
		return 1;
	before = heap();
	if (nd_site_build(store, NULL, &site))
		return 1;
	after = heap();
	n = site->article_count ? site->article_count : 1;
	for (size_t i = 0; i < site->article_count; i++) {
		const struct nd_site_article *a = &site->articles[i];

		text += len(a->title) + len(a->summary) + len(a->description) + len(a->body_html);
		strings += len(a->ext_id) + len(a->slug) + len(a->url) + len(a->route) +
		           len(a->language) + len(a->image) + len(a->source_url) +
		           a->tag_count * sizeof(*a->tags);
	}
	nd_index_get_stats(site->index, &is);
	per = (double)(after - before) / (double)n;
	printf("articles %zu\n", site->article_count);
	printf("heap after the build: %.1f MB, %.0f B/article\n", (after - before) / 1048576.0, per);
	printf("  text (title, summary, description, body HTML): %.0f B/article\n",
	       (double)text / (double)n);
	printf("  other strings (ids, slugs, url, route, tags array): %.0f B/article\n",
	       (double)strings / (double)n);
	printf("  article records: %zu B/article, MinHash %zu B/article\n",
	       sizeof(struct nd_site_article), sizeof(struct nd_minhash));
	printf("  maps (by route, ext id, key): %.0f B/article\n",
	       (double)((site->by_route.cap + site->by_ext_id.cap) * sizeof(struct nd_map_slot) +
	                (site->by_key.mask + 1) * 8) /
	           (double)n);
	printf("  text index: %.0f B/article\n", (double)is.memory_bytes / (double)n);
	printf("  the rest (lists, sections, people, allocator overhead): %.0f B/article\n",
	       per - (double)(text + strings + is.memory_bytes +
	                      (site->by_route.cap + site->by_ext_id.cap) * sizeof(struct nd_map_slot) +
	                      (site->by_key.mask + 1) * 8) /
	                 (double)n -
	           (double)(sizeof(struct nd_site_article) + sizeof(struct nd_minhash)));
	printf("beyond the text: %.0f B/article\n", per - (double)text / (double)n);
	nd_site_free(site);
	nd_store_close(store);
	return 0;
}
