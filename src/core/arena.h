#pragma once
/*
 * A bump allocator: one per request, freed in one go when the response is
 * done, so handlers never call free (h2o's request pool). Functions that
 * return new memory take the arena as an argument; NULL means the heap.
 */
#include <stddef.h>

struct nd_arena;

/* A new arena whose blocks are at least block_size bytes; caller owns it. */
struct nd_arena *nd_arena_new(size_t block_size);
/* Runs the cleanups registered on a (newest first) and frees everything. */
void nd_arena_free(struct nd_arena *a);

/* size bytes aligned for any type, zeroed; from the heap when a is NULL
 * (then the caller owns the result). */
void *nd_arena_alloc(struct nd_arena *a, size_t size);
/* A NUL-terminated copy of s[0..len). */
char *nd_arena_strndup(struct nd_arena *a, const char *s, size_t len);
char *nd_arena_strdup(struct nd_arena *a, const char *s);
/* printf into the arena. */
char *nd_arena_printf(struct nd_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Registers fn(data) to run when the arena is freed: how a request drops
 * references it holds (h2o_mem_link_shared). a must not be NULL. */
void nd_arena_defer(struct nd_arena *a, void (*fn)(void *), void *data);
