/* Map key layouts shared by sensor.bpf.c (the kernel side) and sensor.c (user space).
 * Plain C types only: this header is compiled by clang -target bpf with vmlinux.h and
 * by the host compiler with the system headers. */
#ifndef CG_AGENT_SENSOR_BPF_H
#define CG_AGENT_SENSOR_BPF_H

#include "agent/agent_int.h"

/* whitelist: {container cgroup id, program path exactly as the exec tracepoint
 * reports it, NUL padded} -> 1 */
struct cg_sensor_wl_key {
	unsigned long long cgid;
	char path[CG_SEV_PATH_MAX];
};

/* sensitive_objects: {kernel dev (MKDEV: major << 20 | minor), inode} -> 1 */
struct cg_sensor_obj_key {
	unsigned long long dev;
	unsigned long long ino;
};

/* sensitive_prefixes: an LPM trie over the first CG_SENSOR_PREFIX_MAX bytes of an
 * absolute path (read as a string: at most CG_SENSOR_PREFIX_MAX - 1 bytes and a NUL,
 * so a prefix is 1..31 bytes); prefixlen in bits (8 * strlen(prefix)). */
#define CG_SENSOR_PREFIX_MAX 32
#define CG_SENSOR_PREFIXES_MAX 64
struct cg_sensor_prefix_key {
	unsigned int prefixlen;
	unsigned char data[CG_SENSOR_PREFIX_MAX];
};

/* Map sizes (entries). */
#define CG_SENSOR_WHITELIST_MAX 65536
#define CG_SENSOR_CGROUPS_MAX 8192
#define CG_SENSOR_OBJECTS_MAX 8192
#define CG_SENSOR_PENDING_MAX 16384

#endif
