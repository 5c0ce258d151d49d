/*
 * Template sets: named compiled templates in an open-addressing hash table,
 * and loading a theme folder into one. Compilation is in
 * template_compile.c, rendering in template_render.c.
 */
#include "render/template.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mem.h"
#include "render/template_int.h"

struct slot {
	uint32_t hash;
	struct nd__tpl *t; /* NULL: free */
};

/* Linear probing over a power-of-two table kept at most half full; nothing
 * is ever deleted except by nd_tpl_set_free, so no tombstones. */
struct nd_tpl_set {
	struct slot *slots;
	size_t cap;
	size_t count;
};

uint32_t nd__tpl_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

struct nd_tpl_set *nd_tpl_set_new(void)
{
	return nd_xcalloc(1, sizeof(struct nd_tpl_set));
}

void nd_tpl_set_free(struct nd_tpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++)
		nd__tpl_free(set->slots[i].t);
	free(set->slots);
	free(set);
}

/* The slot that holds name, or the free slot where it would go. */
static struct slot *probe(const struct nd_tpl_set *set, const char *name, size_t len, uint32_t hash)
{
	size_t mask = set->cap - 1, i = hash & mask;

	for (;; i = (i + 1) & mask) {
		struct slot *s = &set->slots[i];

		if (!s->t ||
		    (s->hash == hash && s->t->name_len == len && !memcmp(s->t->name, name, len)))
			return s;
	}
}

const struct nd__tpl *nd__tpl_set_find(const struct nd_tpl_set *set, const char *name, size_t len,
                                       uint32_t hash)
{
	if (!set->cap)
		return NULL;
	return probe(set, name, len, hash)->t;
}

static void grow(struct nd_tpl_set *set)
{
	struct slot *old = set->slots;
	size_t old_cap = set->cap;

	set->cap = old_cap ? old_cap * 2 : 16;
	set->slots = nd_xcalloc(set->cap, sizeof(*set->slots));
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].t)
			*probe(set, old[i].t->name, old[i].t->name_len, old[i].hash) = old[i];
	}
	free(old);
}

/* Stores t, replacing (and freeing) a template of the same name; consumes t. */
static void put(struct nd_tpl_set *set, struct nd__tpl *t)
{
	struct slot *s;

	if ((set->count + 1) * 2 > set->cap)
		grow(set);
	s = probe(set, t->name, t->name_len, t->hash);
	if (s->t)
		nd__tpl_free(s->t);
	else
		set->count++;
	s->hash = t->hash;
	s->t = t;
}

int nd_tpl_set_add(struct nd_tpl_set *set, const char *name, const char *src, size_t len,
                   char **err)
{
	struct nd__tpl *t;
	char *msg = NULL;
	int ret;

	if (err)
		*err = NULL;
	if (len > ND_MAX_TEMPLATE) {
		msg = nd_arena_printf(NULL, "template '%s' is %zu bytes, over the limit of %d",
		                      name, len, ND_MAX_TEMPLATE);
		ret = ND_ETOOBIG;
		goto out;
	}
	ret = nd__tpl_compile(name, src, len, &t, &msg);
	if (ret)
		goto out;
	put(set, t);
out:
	if (ret) {
		nd_error(ret, "%s", msg);
		if (err) {
			*err = msg;
			msg = NULL;
		}
	}
	free(msg);
	return ret;
}

int nd_tpl_set_has(const struct nd_tpl_set *set, const char *name)
{
	size_t len = strlen(name);

	return nd__tpl_set_find(set, name, len, nd__tpl_hash(name, len)) != NULL;
}

static int is_template(const struct dirent *d)
{
	static const char ext[] = ".mustache";
	size_t len = strlen(d->d_name);

	return len > sizeof(ext) - 1 && d->d_name[0] != '.' &&
	       !strcmp(d->d_name + len - (sizeof(ext) - 1), ext);
}

int nd_tpl_set_load_dir(struct nd_tpl_set *set, const char *dir)
{
	struct dirent **list = NULL;
	struct nd_buf path = ND_BUF_INIT, src;
	int n, ret = 0, i = 0;

	nd_buf_init(&src, ND_MAX_TEMPLATE);

	/* Sorted, so a broken theme always reports the same first error. */
	n = scandir(dir, &list, is_template, alphasort);
	if (n < 0)
		return nd_error(ND_EIO, "cannot read template folder '%s': %s", dir,
		                strerror(errno));
	for (; i < n; i++) {
		const char *file = list[i]->d_name;
		struct stat st;
		char *name;

		nd_buf_reset(&path);
		nd_buf_addf(&path, "%s/%s", dir, file);
		if (stat(path.buf, &st) < 0) {
			ret = nd_error(ND_EIO, "cannot open template '%s': %s", path.buf,
			               strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode))
			continue; /* a folder that happens to end in .mustache */
		nd_buf_reset(&src);
		ret = nd_buf_read_file(&src, path.buf, "template");
		if (ret)
			goto out;
		name = nd_xstrndup(file, strlen(file) - strlen(".mustache"));
		ret = nd_tpl_set_add(set, name, src.buf, src.len, NULL);
		free(name);
		if (ret)
			goto out;
		nd_log(ND_LOG_DEBUG, "template '%s' loaded from '%s'", file, dir);
	}
out:
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	nd_buf_release(&path);
	nd_buf_release(&src);
	return ret;
}
