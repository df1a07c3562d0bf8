#include "util/internal.h"
#include "image/fstree.h"

#define MAX_SYMLINK_HOPS 40
#define PATH_CAP 8192

static size_t hash_of(const struct cg_fsnode *parent, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)parent;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

cg_err_t cg_fstree_init(struct cg_fstree *t)
{
	memset(t, 0, sizeof(*t));
	t->nbuckets = 1024;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets)
		return CG_ERR_NOMEM;
	t->root.type = CG_ENTRY_DIR;
	t->root.name = "";
	t->root.layer = -1;
	t->root.mode = 0755;
	return CG_OK;
}

void cg_fstree_release(struct cg_fstree *t)
{
	free(t->buckets);
	cg_arena_release(&t->arena);
	memset(t, 0, sizeof(*t));
}

static struct cg_fsnode *child_of(const struct cg_fstree *t, const struct cg_fsnode *parent,
				  const char *name, size_t len)
{
	struct cg_fsnode *n = t->buckets[hash_of(parent, name, len) & (t->nbuckets - 1)];
	for (; n; n = n->hnext)
		if (n->parent == parent && n->name_len == len && !memcmp(n->name, name, len))
			return n;
	return NULL;
}

static bool grow(struct cg_fstree *t)
{
	size_t nb = t->nbuckets * 2;
	struct cg_fsnode **b = calloc(nb, sizeof(*b));
	if (!b)
		return false;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct cg_fsnode *n = t->buckets[i], *next;
		for (; n; n = next) {
			size_t k = hash_of(n->parent, n->name, n->name_len) & (nb - 1);
			next = n->hnext;
			n->hnext = b[k];
			b[k] = n;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
	return true;
}

static struct cg_fsnode *add_child(struct cg_fstree *t, struct cg_fsnode *parent, const char *name,
				   size_t len)
{
	struct cg_fsnode *n;
	size_t k;
	if (t->count + 1 > t->nbuckets && !grow(t))
		return NULL;
	n = cg_arena_alloc(&t->arena, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->name = cg_arena_strndup(&t->arena, name, len);
	if (!n->name)
		return NULL;
	n->name_len = (uint32_t)len;
	n->parent = parent;
	n->type = CG_ENTRY_DIR;
	n->mode = 0755;
	n->layer = -1;
	n->next = parent->child;
	if (parent->child)
		parent->child->prev = n;
	parent->child = n;
	k = hash_of(parent, name, len) & (t->nbuckets - 1);
	n->hnext = t->buckets[k];
	t->buckets[k] = n;
	t->count++;
	return n;
}

struct cg_fsnode *cg_fstree_insert(struct cg_fstree *t, const char *path, size_t len)
{
	struct cg_fsnode *cur = &t->root;
	size_t i = 0;
	while (i < len) {
		size_t s;
		struct cg_fsnode *c;
		while (i < len && path[i] == '/')
			i++;
		s = i;
		while (i < len && path[i] != '/')
			i++;
		if (i == s)
			break;
		c = child_of(t, cur, path + s, i - s);
		if (!c) {
			c = add_child(t, cur, path + s, i - s);
			if (!c)
				return NULL;
		} else if (i < len && c->type != CG_ENTRY_DIR) {
			/* a file where a folder is needed: the folder replaces it */
			cg_fstree_clear(t, c);
			c->type = CG_ENTRY_DIR;
			c->size = 0;
			c->link = NULL;
			c->content = NULL;
		}
		cur = c;
	}
	return cur;
}

struct cg_fsnode *cg_fstree_get(const struct cg_fstree *t, const char *path, size_t len)
{
	const struct cg_fsnode *cur = &t->root;
	size_t i = 0;
	while (i < len && cur) {
		size_t s;
		while (i < len && path[i] == '/')
			i++;
		s = i;
		while (i < len && path[i] != '/')
			i++;
		if (i == s)
			break;
		cur = child_of(t, cur, path + s, i - s);
	}
	return (struct cg_fsnode *)cur;
}

bool cg_fstree_path(const struct cg_fsnode *n, char *buf, size_t cap)
{
	size_t len = 0, pos;
	const struct cg_fsnode *p;
	if (!n->parent) {
		if (cap < 2)
			return false;
		buf[0] = '/';
		buf[1] = '\0';
		return true;
	}
	for (p = n; p->parent; p = p->parent)
		len += 1 + p->name_len;
	if (len + 1 > cap)
		return false;
	pos = len;
	buf[pos] = '\0';
	for (p = n; p->parent; p = p->parent) {
		pos -= p->name_len;
		memcpy(buf + pos, p->name, p->name_len);
		buf[--pos] = '/';
	}
	return true;
}

struct cg_fsnode *cg_fstree_resolve(const struct cg_fstree *t, const char *path, size_t len,
				    bool follow_last)
{
	/* on the stack: this runs for every file an OS package lists */
	char work[PATH_CAP], tmp[PATH_CAP];
	const struct cg_fsnode *cur = &t->root;
	struct cg_fsnode *result = NULL;
	size_t wlen, i = 0;
	int hops = 0;

	if (len >= PATH_CAP)
		goto done;
	memcpy(work, path, len);
	wlen = len;
	while (i < wlen) {
		size_t s;
		const struct cg_fsnode *c;
		while (i < wlen && work[i] == '/')
			i++;
		s = i;
		while (i < wlen && work[i] != '/')
			i++;
		if (i == s)
			break;
		if (i - s == 1 && work[s] == '.')
			continue;
		if (i - s == 2 && work[s] == '.' && work[s + 1] == '.') {
			if (cur->parent)
				cur = cur->parent; /* ".." at the root stays at the root */
			continue;
		}
		if (cur->type != CG_ENTRY_DIR)
			goto done;
		c = child_of(t, cur, work + s, i - s);
		if (!c)
			goto done;
		if (c->type == CG_ENTRY_SYMLINK && c->link && (i < wlen || follow_last)) {
			/* restart from the link's folder (or the root) with link + rest */
			size_t ll = strlen(c->link), rest = wlen - i, off = 0;
			if (++hops > MAX_SYMLINK_HOPS)
				goto done;
			if (c->link[0] != '/') {
				if (!cg_fstree_path(cur, tmp, PATH_CAP))
					goto done;
				off = strlen(tmp);
				if (off + 1 >= PATH_CAP)
					goto done;
				tmp[off++] = '/';
			}
			if (off + ll + rest + 1 > PATH_CAP)
				goto done;
			memcpy(tmp + off, c->link, ll);
			memcpy(tmp + off + ll, work + i, rest);
			wlen = off + ll + rest;
			memcpy(work, tmp, wlen);
			i = 0;
			cur = &t->root;
			continue;
		}
		cur = c;
	}
	result = (struct cg_fsnode *)cur;
done:
	return result;
}

static void unhash(struct cg_fstree *t, struct cg_fsnode *n)
{
	struct cg_fsnode **pp = &t->buckets[hash_of(n->parent, n->name, n->name_len) & (t->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			t->count--;
			return;
		}
}

void cg_fstree_clear(struct cg_fstree *t, struct cg_fsnode *n)
{
	/* iterative post-order over the subtree below n */
	struct cg_fsnode *cur = n->child;
	while (cur) {
		if (cur->child) {
			cur = cur->child;
			continue;
		}
		{
			struct cg_fsnode *parent = cur->parent, *next = cur->next;
			unhash(t, cur);
			parent->child = next;
			if (next)
				next->prev = NULL;
			cur = next ? next : (parent == n ? NULL : parent);
		}
	}
	n->child = NULL;
}

void cg_fstree_remove(struct cg_fstree *t, struct cg_fsnode *n)
{
	if (!n->parent)
		return;
	cg_fstree_clear(t, n);
	unhash(t, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		n->parent->child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

int cg_fstree_walk(struct cg_fstree *t, int (*fn)(struct cg_fsnode *n, void *ud), void *ud)
{
	struct cg_fsnode *cur = t->root.child;
	while (cur) {
		int r = fn(cur, ud);
		if (r)
			return r;
		if (cur->child) {
			cur = cur->child;
			continue;
		}
		while (cur && !cur->next) {
			cur = cur->parent;
			if (cur == &t->root)
				return 0;
		}
		if (cur)
			cur = cur->next;
	}
	return 0;
}
