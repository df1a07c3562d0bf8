/* Internals shared by the two sensor backends: sensor.c (eBPF) and
 * sensor_fallback.c (proc connector + fanotify). */
#ifndef CG_AGENT_SENSOR_INT_H
#define CG_AGENT_SENSOR_INT_H

#include <sys/types.h>
#include "agent/sensor.h"

struct sensor_bpf; /* the generated skeleton */
struct ring_buffer;
struct bpf_link;
struct cg_sensor_fb;

/* A whitelist kept in user space (the fallback enforces it from there). */
struct cg_sensor_wl {
	unsigned long long cgid;
	char **paths;
	size_t n;
};

struct cg_sensor {
	enum cg_sensor_backend backend;
	bool all;
	pid_t self;
	unsigned int host_pidns;
	char coverage[1024];

	/* BPF */
	struct sensor_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;
	size_t n_links;
	int ncpus;
	cg_sensor_cb cb;
	void *cb_arg;
	int delivered;
	unsigned long long lost, lost_reported;
	size_t n_cgroups;

	/* fallback */
	struct cg_sensor_fb *fb;
	struct cg_sensor_wl *wl;
	size_t n_wl;
	unsigned long long *restrict_cgids;
	size_t n_restrict;
};

/* fallback backend (sensor_fallback.c) */
cg_err_t cg_sensor_fb_open(struct cg_sensor *s, struct cg_error *err);
void cg_sensor_fb_close(struct cg_sensor *s);
int cg_sensor_fb_fd(const struct cg_sensor *s);
int cg_sensor_fb_poll(struct cg_sensor *s, cg_sensor_cb cb, void *arg, struct cg_error *err);
cg_err_t cg_sensor_fb_watch_path(struct cg_sensor *s, const char *path, struct cg_error *err);
cg_err_t cg_sensor_fb_watch_object(struct cg_sensor *s, unsigned long long dev,
				   unsigned long long ino, struct cg_error *err);

/* shared helpers (sensor.c) */
cg_err_t cg_sensor_check_paths(char *const *paths, size_t n, struct cg_error *err);
unsigned long long cg_sensor_now_ns(void);

#endif
