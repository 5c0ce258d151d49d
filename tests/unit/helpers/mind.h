#pragma once
/*
 * A train and a dev log sharing their interners, for the tests of
 * recommend/: load both, look items up by id, release all.
 */
#include <string.h>

#include "recommend/mind.h"

struct mind_pair {
	struct nd_mind_ids *items, *users;
	struct nd_mind_log train, dev;
};

/* Loads the folders train and dev into p; 0, or the first error. */
static inline int mind_pair_load(struct mind_pair *p, const char *train, const char *dev)
{
	p->items = nd_mind_ids_new();
	p->users = nd_mind_ids_new();
	p->train = (struct nd_mind_log)ND_MIND_LOG_INIT;
	p->dev = (struct nd_mind_log)ND_MIND_LOG_INIT;
	return nd_mind_log_load(&p->train, train, p->items, p->users) ||
	       nd_mind_log_load(&p->dev, dev, p->items, p->users);
}

/* The number of item id (made if new). */
static inline uint32_t mind_pair_item(struct mind_pair *p, const char *id)
{
	return nd_mind_ids_intern(p->items, id, strlen(id));
}

/* Frees what mind_pair_load() made. */
static inline void mind_pair_release(struct mind_pair *p)
{
	nd_mind_log_release(&p->train);
	nd_mind_log_release(&p->dev);
	nd_mind_ids_free(p->items);
	nd_mind_ids_free(p->users);
}
