// SPDX-License-Identifier: GPL-2.0
/*
 * lrupool-buf: ask /dev/lrupool for dma-bufs and use them as a process
 * would. See usage() for the commands and the exit status.
 *
 * Statically linked (scripts/build-user.sh, or `make tools`) so the same
 * binary runs in the test guests and on a real machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/lrupool.h>

/* Exit status */
#define EXIT_OK		0	/* everything done */
#define EXIT_FAIL	1	/* a system call failed (not ENOMEM) */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NOMEM	3	/* the ioctl (or mmap) failed with ENOMEM */
#define EXIT_DATA	4	/* a buffer did not read what it should */

#define MAX_BUFS	4096
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PATTERN_NONE	(-1)	/* --no-write */
#define EXPECT_ANY	(-1)	/* --expect any */
#define EXPECT_SENDER	(-2)	/* recv: the pattern the sender wrote */

static const char *prog = "lrupool-buf";
static volatile sig_atomic_t got_signal;

static const char usage_text[] =
"usage: lrupool-buf [alloc] [options]       allocate, map, check, write, hold\n"
"       lrupool-buf recv SOCKET [options]   take buffers another lrupool-buf sent\n"
"       lrupool-buf raw [fields]            send one hand-made request\n"
"       lrupool-buf bench [options]         time ioctl, mmap, touch and close\n"
"       lrupool-buf fuzz [--seed N] [--count N]  random requests, errnos checked\n"
"\n"
"alloc: open /dev/lrupool, ask for N dma-bufs with LRUPOOL_IOCTL_ALLOC, mmap\n"
"each, check that it reads as zero, write a pattern, hold the buffers, then\n"
"unmap and close them (or hand them on), and print a one-line summary.\n"
"  -n, --count N          buffers (default 1, at most 4096)\n"
"  -s, --size SIZE        bytes per buffer, a multiple of the page size;\n"
"                         suffixes K, M, G (default 2M)\n"
"  -c, --caching MODE     wb, wc or uc (default wc)\n"
"  -N, --node NID         take every page from node NID (LRUPOOL_ALLOC_NODE)\n"
"  -p, --pattern BYTE     write BYTE over each buffer (default 0xa5)\n"
"      --no-write         write nothing\n"
"  -e, --expect BYTE|zero|any\n"
"                         what each buffer must read before it is written\n"
"                         (default zero); a mismatch exits 4\n"
"  -t, --hold SECS|forever\n"
"                         keep the buffers for SECS seconds (default 0), or\n"
"                         until SIGINT, SIGTERM or SIGUSR1; a signal ends\n"
"                         any hold early and is not an error\n"
"  -w, --wait-file PATH   hold until PATH exists (or a signal comes)\n"
"  -r, --ready-file PATH  create PATH once the buffers are written\n"
"  -i, --info             print a line per buffer: its fd, the inode of\n"
"                         its file and its size (lseek SEEK_END)\n"
"  -x, --run CMD          once the buffers are written, run `sh -c CMD`\n"
"                         with the fds inherited and listed, space\n"
"                         separated, in $LRUPOOL_FDS; its failure exits 1\n"
"  -d, --device PATH      default /dev/lrupool\n"
"Handing the buffers on, so that this process can exit first:\n"
"  -f, --fork             fork a child that keeps the fds (its mappings are\n"
"                         dropped), exit once it is ready; the child holds\n"
"                         (--child-hold, --child-wait-file), maps each fd\n"
"                         again, checks it reads the pattern, closes it\n"
"      --child-cgroup DIR the child first moves itself into the cgroup DIR\n"
"                         (writes its pid to DIR/cgroup.procs)\n"
"      --child-hold SECS|forever, --child-wait-file PATH\n"
"      --child-log PATH   the child's output (default: inherited stderr)\n"
"  -S, --send SOCKET      connect to the unix socket SOCKET (waiting up to\n"
"                         10 s for it), send every fd in one SCM_RIGHTS\n"
"                         message with the size and pattern, then close\n"
"                         ours and exit; `lrupool-buf recv SOCKET` takes them\n"
"\n"
"recv SOCKET: listen on SOCKET, take one sender's fds, check that each\n"
"reads the sender's pattern (or --expect), hold them (--hold, --wait-file,\n"
"--ready-file: created once listening), close them; a summary line.\n"
"\n"
"raw: one LRUPOOL_IOCTL_ALLOC with fields given as numbers, to try bad\n"
"input; prints \"ok size S fd N\" or \"error ENAME\".\n"
"  --size B --caching N --node N --flags N --reserved0 N --reserved1 N\n"
"  --ioc-size N           the struct size the command encodes (default 40)\n"
"  --tail N               with --ioc-size > 40, the value of its last byte\n"
"  --nr N                 the command number (default 0x40)\n"
"  --null                 pass a NULL pointer\n"
"\n"
"bench: rounds of one ioctl, mmap, touching every page (one write a page,\n"
"which also faults in what the driver maps lazily), munmap and close,\n"
"each timed apart with CLOCK_MONOTONIC; prints\n"
"\"<phase> <min_ns> <median_ns> <max_ns>\" for ioctl, mmap, touch, close\n"
"and total (ioctl + mmap + touch).\n"
"  -s SIZE, -c MODE, --rounds N (default 20), --fresh: write 2 to\n"
"  /proc/sys/vm/drop_caches between rounds (not timed), so that every\n"
"  round's pages are fresh instead of pooled\n"
"\n"
"fuzz: --count requests (default 1000) made from --seed (default 1): bad\n"
"and good struct sizes, sizes, caching modes, nodes, flags and reserved\n"
"fields; each errno is checked against the uAPI's rules, each buffer\n"
"mapped, checked for zeros and closed; a valid request may get ENOMEM\n"
"(counted). A mismatch exits 1.\n"
"\n"
"Exit status: 0 success, 1 a failed system call, 2 bad usage, 3 ENOMEM\n"
"from the ioctl or mmap, 4 a buffer read other than it should.\n";

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see %s --help)\n", prog);
	exit(EXIT_USAGE);
}

/* An errno's name, as the tests match it. */
static const char *errno_name(int err)
{
	switch (err) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENFILE: return "ENFILE";
	case ENOTTY: return "ENOTTY";
	case E2BIG: return "E2BIG";
	case EOVERFLOW: return "EOVERFLOW";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "E?";
	}
}

static int fail_status(int err)
{
	return err == ENOMEM ? EXIT_NOMEM : EXIT_FAIL;
}

static void die_errno(const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: %s: %s (%s)\n", prog, what, strerror(err),
		errno_name(err));
	exit(fail_status(err));
}

/* ------------------------------------------------------------------------
 * Parsing
 */

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static bool parse_s64(const char *s, int64_t *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return !errno && !*end;
}

static uint64_t arg_u64(const char *opt, const char *s, uint64_t max)
{
	uint64_t v;

	if (!parse_u64(s, &v) || v > max)
		usage_error("bad number for %s", opt);
	return v;
}

static int64_t arg_s64(const char *opt, const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (!parse_s64(s, &v) || v < min || v > max)
		usage_error("bad number for %s", opt);
	return v;
}

/* A size with an optional K, M or G suffix (binary units). */
static uint64_t arg_size(const char *s)
{
	char num[32], *end;
	size_t len = strlen(s);
	uint64_t v, mult = 1;

	if (!len || len >= sizeof(num))
		usage_error("bad size '%s'", s);
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k':
	case 'K':
		mult = 1ULL << 10;
		break;
	case 'm':
	case 'M':
		mult = 1ULL << 20;
		break;
	case 'g':
	case 'G':
		mult = 1ULL << 30;
		break;
	}
	if (mult > 1)
		num[len - 1] = '\0';
	if (!num[0] || num[0] == '-')
		usage_error("bad size '%s'", s);
	errno = 0;
	v = strtoull(num, &end, 0);
	if (errno || *end || v > UINT64_MAX / mult)
		usage_error("bad size '%s'", s);
	return v * mult;
}

static uint32_t arg_caching(const char *s)
{
	if (!strcmp(s, "wb"))
		return LRUPOOL_CACHING_WB;
	if (!strcmp(s, "wc"))
		return LRUPOOL_CACHING_WC;
	if (!strcmp(s, "uc"))
		return LRUPOOL_CACHING_UC;
	usage_error("bad caching mode '%s' (wb, wc or uc)", s);
	return 0;
}

static const char *caching_name(uint32_t c)
{
	static const char *const names[] = { "wb", "wc", "uc" };

	return c < 3 ? names[c] : "?";
}

/* A hold: seconds, or "forever" (-1). */
static int arg_hold(const char *s)
{
	if (!strcmp(s, "forever"))
		return -1;
	return arg_u64("a hold", s, INT_MAX);
}

static int arg_byte(const char *opt, const char *s)
{
	return arg_u64(opt, s, 255);
}

/* ------------------------------------------------------------------------
 * Time, signals, holding
 */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const int sigs[] = { SIGINT, SIGTERM, SIGUSR1 };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * hold: wait for @secs seconds (-1: forever) and, with @path, until it
 * exists; a caught signal ends the wait. Returns the seconds waited.
 */
static double hold(int secs, const char *path)
{
	uint64_t start = now_ns(), end = start + (uint64_t)secs * 1000000000ULL;
	struct timespec tick = { 0, 50 * 1000 * 1000 };

	if (!secs && !path)
		return 0;
	while (!got_signal) {
		if (path && !access(path, F_OK))
			break;
		if (!path && secs >= 0 && now_ns() >= end)
			break;
		nanosleep(&tick, NULL);
	}
	return (now_ns() - start) / 1e9;
}

static void touch_file(const char *path)
{
	int fd;

	/* What was printed so far is out before anyone is told to look. */
	fflush(NULL);
	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die_errno(path);
	close(fd);
}

/* ------------------------------------------------------------------------
 * Buffers
 */

struct buf {
	int fd;
	uint64_t size;
	unsigned char *map;
};

static int alloc_one(int dev, uint64_t size, uint32_t caching, int node,
		     struct buf *b)
{
	struct lrupool_alloc req = {
		.size = size,
		.caching = caching,
		.node = node < 0 ? 0 : node,
		.flags = node < 0 ? 0 : LRUPOOL_ALLOC_NODE,
	};

	if (ioctl(dev, LRUPOOL_IOCTL_ALLOC, &req))
		return -errno;
	b->fd = req.fd;
	b->size = size;
	b->map = NULL;
	return 0;
}

static int map_one(struct buf *b)
{
	void *p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       b->fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	b->map = p;
	return 0;
}

static void unmap_one(struct buf *b)
{
	if (b->map)
		munmap(b->map, b->size);
	b->map = NULL;
}

/*
 * check_one: whether every byte of the mapping is @want; counts the bytes
 * that are not and reports the first.
 */
static bool check_one(const struct buf *b, int idx, int want, const char *who)
{
	uint64_t word = 0x0101010101010101ULL * (unsigned char)want;
	const uint64_t *w = (const uint64_t *)b->map;
	uint64_t i, n = b->size / 8, bad = 0, first = UINT64_MAX;
	unsigned int k;

	for (i = 0; i < n; i++) {
		if (w[i] == word)
			continue;
		for (k = 0; k < 8; k++) {
			if (b->map[i * 8 + k] == (unsigned char)want)
				continue;
			if (first == UINT64_MAX)
				first = i * 8 + k;
			bad++;
		}
	}
	if (!bad)
		return true;
	fprintf(stderr, "%s: buffer %d: %" PRIu64 " of %" PRIu64
		" bytes are not 0x%02x, the first at offset %" PRIu64
		" reads 0x%02x\n", who, idx, bad, b->size, want, first,
		b->map[first]);
	return false;
}

/* ------------------------------------------------------------------------
 * alloc and its hand-overs
 */

struct opts {
	const char *device;
	unsigned int count;
	uint64_t size;
	uint32_t caching;
	int node;
	int pattern;
	int expect;
	int hold;
	const char *wait_file;
	const char *ready_file;
	bool info;
	const char *run;
	bool fork;
	const char *child_cgroup;
	int child_hold;
	const char *child_wait_file;
	const char *child_log;
	const char *send;
	unsigned int rounds;
	bool fresh;
};

/* What a sender tells the receiver besides the fds. */
struct hand_over {
	uint32_t count;
	int32_t pattern;
	uint64_t size;
};

static void set_cloexec(struct buf *bufs, unsigned int n, bool on)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fcntl(bufs[i].fd, F_SETFD, on ? FD_CLOEXEC : 0);
}

/* run_cmd: `sh -c cmd` with the buffers' fds inherited and in LRUPOOL_FDS. */
static int run_cmd(const char *cmd, struct buf *bufs, unsigned int n)
{
	char *list = calloc(n, 12);
	unsigned int i;
	size_t len = 0;
	int status;
	pid_t pid;

	if (!list)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		len += sprintf(list + len, "%s%d", i ? " " : "", bufs[i].fd);
	set_cloexec(bufs, n, false);
	fflush(NULL);
	pid = fork();
	if (!pid) {
		setenv("LRUPOOL_FDS", list, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	set_cloexec(bufs, n, true);
	free(list);
	if (pid < 0)
		return -errno;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

/*
 * receive_and_check: the receiving side, in a forked child or in `recv`:
 * map each fd, check it reads @want, unmap and close it.
 */
static int check_and_close(struct buf *bufs, unsigned int n, int want,
			   const char *who)
{
	int rc = EXIT_OK, err;
	unsigned int i;

	for (i = 0; i < n; i++) {
		err = map_one(&bufs[i]);
		if (err) {
			fprintf(stderr, "%s: mmap: %s\n", who, strerror(-err));
			rc = fail_status(-err);
		} else if (want != EXPECT_ANY &&
			   !check_one(&bufs[i], i, want, who)) {
			rc = EXIT_DATA;
		}
		unmap_one(&bufs[i]);
		close(bufs[i].fd);
	}
	return rc;
}

static void move_to_cgroup(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
		die_errno(path);
}

/*
 * fork_child: hand every buffer to a child and return once it is ready
 * (moved to its cgroup, our mappings dropped); the child never returns.
 */
static pid_t fork_child(const struct opts *o, struct buf *bufs)
{
	char who[64];
	int ready[2], rc, fd;
	unsigned int i;
	double held;
	pid_t pid;
	char c;

	if (pipe(ready))
		die_errno("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid) {
		close(ready[1]);
		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "%s: the child did not start\n", prog);
			exit(EXIT_FAIL);
		}
		close(ready[0]);
		return pid;
	}
	close(ready[0]);
	snprintf(who, sizeof(who), "%s[child %d]", prog, getpid());
	for (i = 0; i < o->count; i++)
		unmap_one(&bufs[i]);
	if (o->child_log) {
		fd = open(o->child_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die_errno(o->child_log);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	if (o->child_cgroup)
		move_to_cgroup(o->child_cgroup);
	setsid();
	if (write(ready[1], "r", 1) != 1)
		_exit(EXIT_FAIL);
	close(ready[1]);
	held = hold(o->child_hold, o->child_wait_file);
	rc = check_and_close(bufs, o->count,
			     o->pattern == PATTERN_NONE ? EXPECT_ANY : o->pattern,
			     who);
	printf("%s: %s %u buffer(s) of %" PRIu64 " bytes after %.1f s, then closed\n",
	       who, rc == EXIT_OK ? "read the pattern in" : "FAILED on",
	       o->count, o->size, held);
	fflush(NULL);
	_exit(rc);
}

static int connect_wait(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t end = now_ns() + 10ULL * 1000000000ULL;
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path))
		usage_error("socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	for (;;) {
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			die_errno("socket");
		if (!connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			return s;
		close(s);
		if ((errno != ENOENT && errno != ECONNREFUSED) || now_ns() > end)
			die_errno(path);
		nanosleep(&tick, NULL);
	}
}

/* send_fds: every buffer's fd in one SCM_RIGHTS message, with a header. */
static void send_fds(const struct opts *o, struct buf *bufs)
{
	struct hand_over h = { o->count, o->pattern, o->size };
	struct iovec iov = { &h, sizeof(h) };
	size_t space = CMSG_SPACE(sizeof(int) * o->count);
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	unsigned int i;
	int s;

	msg.msg_control = calloc(1, space);
	if (!msg.msg_control)
		die_errno("calloc");
	msg.msg_controllen = space;
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * o->count);
	for (i = 0; i < o->count; i++)
		memcpy(CMSG_DATA(cm) + i * sizeof(int), &bufs[i].fd, sizeof(int));
	s = connect_wait(o->send);
	if (sendmsg(s, &msg, 0) != (ssize_t)sizeof(h))
		die_errno("sendmsg");
	/* Wait for the receiver to have taken them. */
	if (read(s, &i, 1) < 0)
		die_errno("read");
	close(s);
	free(msg.msg_control);
}

static void print_info(struct buf *bufs, unsigned int n)
{
	struct stat st;
	unsigned int i;
	off_t end;

	for (i = 0; i < n; i++) {
		if (fstat(bufs[i].fd, &st))
			die_errno("fstat");
		end = lseek(bufs[i].fd, 0, SEEK_END);
		printf("buffer %u fd %d inode %lu size %lld\n", i, bufs[i].fd,
		       (unsigned long)st.st_ino, (long long)end);
	}
}

static int cmd_alloc(const struct opts *o)
{
	struct buf *bufs = calloc(o->count, sizeof(*bufs));
	const char *handed = "";
	unsigned int i;
	uint64_t t0, t1;
	int dev, err, rc = EXIT_OK;
	double held = 0;
	char node[16] = "any";
	pid_t child = 0;

	if (!bufs)
		die_errno("calloc");
	if (o->node >= 0)
		snprintf(node, sizeof(node), "%d", o->node);
	dev = open(o->device, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die_errno(o->device);
	t0 = now_ns();
	for (i = 0; i < o->count; i++) {
		err = alloc_one(dev, o->size, o->caching, o->node, &bufs[i]);
		if (err) {
			fprintf(stderr, "%s: buffer %u of %u (%" PRIu64 " bytes %s node %s): LRUPOOL_IOCTL_ALLOC: %s (%s)\n",
				prog, i + 1, o->count, o->size,
				caching_name(o->caching), node, strerror(-err),
				errno_name(-err));
			return fail_status(-err);
		}
	}
	t1 = now_ns();
	close(dev);
	if (o->info)
		print_info(bufs, o->count);
	for (i = 0; i < o->count; i++) {
		err = map_one(&bufs[i]);
		if (err) {
			fprintf(stderr, "%s: mmap of buffer %u: %s\n", prog, i,
				strerror(-err));
			return fail_status(-err);
		}
		if (o->expect != EXPECT_ANY && !check_one(&bufs[i], i, o->expect, prog))
			rc = EXIT_DATA;
		if (o->pattern != PATTERN_NONE)
			memset(bufs[i].map, o->pattern, bufs[i].size);
	}
	if (o->run && run_cmd(o->run, bufs, o->count)) {
		fprintf(stderr, "%s: the command '%s' failed\n", prog, o->run);
		rc = EXIT_FAIL;
	}
	if (o->fork) {
		child = fork_child(o, bufs);
		handed = ", handed to a child";
	} else if (o->send) {
		for (i = 0; i < o->count; i++)
			unmap_one(&bufs[i]);
		send_fds(o, bufs);
		handed = ", sent";
	} else {
		touch_file(o->ready_file);
		held = hold(o->hold, o->wait_file);
	}
	if (child)
		touch_file(o->ready_file);
	for (i = 0; i < o->count; i++) {
		unmap_one(&bufs[i]);
		close(bufs[i].fd);
	}
	printf("%s: %u x %" PRIu64 " bytes %s node %s in %.3f ms: %s, %s, held %.1f s%s%s\n",
	       prog, o->count, o->size, caching_name(o->caching), node,
	       (t1 - t0) / 1e6,
	       o->expect == EXPECT_ANY ? "not checked" :
	       rc == EXIT_DATA ? "NOT as expected" : "read as expected",
	       o->pattern == PATTERN_NONE ? "nothing written" : "pattern written",
	       held, handed, child ? "" : ", closed");
	if (child)
		printf("%s: child %d holds the buffers\n", prog, child);
	free(bufs);
	return rc;
}

/* ------------------------------------------------------------------------
 * recv
 */

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path))
		usage_error("socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	unlink(path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die_errno("socket");
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1))
		die_errno(path);
	return s;
}

static int cmd_recv(const struct opts *o, const char *path)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_BUFS)];
		struct cmsghdr align;
	} *ctl = calloc(1, sizeof(*ctl));
	struct hand_over h;
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct buf *bufs;
	unsigned int i, n;
	int s, c, rc, want;
	double held;

	if (!ctl)
		die_errno("calloc");
	s = listen_on(path);
	touch_file(o->ready_file);
	c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		die_errno("accept");
	msg.msg_control = ctl->buf;
	msg.msg_controllen = sizeof(ctl->buf);
	if (recvmsg(c, &msg, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(h))
		die_errno("recvmsg");
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "%s: no fds received\n", prog);
		return EXIT_FAIL;
	}
	n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	bufs = calloc(n ? n : 1, sizeof(*bufs));
	if (!bufs)
		die_errno("calloc");
	for (i = 0; i < n; i++) {
		memcpy(&bufs[i].fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
		bufs[i].size = h.size;
	}
	if (write(c, "k", 1) != 1)
		die_errno("write");
	close(c);
	close(s);
	unlink(path);
	held = hold(o->hold, o->wait_file);
	want = o->expect;
	if (want == EXPECT_SENDER)
		want = h.pattern == PATTERN_NONE ? EXPECT_ANY : h.pattern;
	rc = check_and_close(bufs, n, want, prog);
	printf("%s: received %u x %" PRIu64 " bytes, held %.1f s, %s, closed\n",
	       prog, n, h.size, held,
	       rc == EXIT_OK ? "read the sender's pattern" : "NOT as expected");
	free(bufs);
	free(ctl);
	return rc;
}

/* ------------------------------------------------------------------------
 * raw
 */

struct raw_req {
	uint64_t size;
	uint64_t caching;
	int64_t node;
	uint64_t flags;
	uint64_t reserved[2];
	uint64_t ioc_size;
	int tail;
	uint64_t nr;
	bool null;
};

#define RAW_BUF_MAX	16384	/* _IOC_SIZE's 14 bits */

/*
 * raw_ioctl: send one request of ioc_size bytes; returns the fd or
 * -errno, and the size the answer names in *size.
 */
static int raw_ioctl(int dev, const struct raw_req *r)
{
	static unsigned char buf[RAW_BUF_MAX];
	struct lrupool_alloc a = {
		.size = r->size,
		.caching = (uint32_t)r->caching,
		.node = (int32_t)r->node,
		.flags = (uint32_t)r->flags,
		.fd = -1,
		.reserved = { r->reserved[0], r->reserved[1] },
	};
	unsigned long cmd = _IOC(_IOC_READ | _IOC_WRITE, LRUPOOL_IOCTL_BASE,
				 r->nr, r->ioc_size);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &a, r->ioc_size < sizeof(a) ? r->ioc_size : sizeof(a));
	if (r->tail >= 0 && r->ioc_size > sizeof(a))
		buf[r->ioc_size - 1] = r->tail;
	if (ioctl(dev, cmd, r->null ? NULL : buf))
		return -errno;
	memcpy(&a, buf, sizeof(a));
	return a.fd;
}

static int cmd_raw(const char *device, const struct raw_req *r)
{
	int dev, fd;

	dev = open(device, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die_errno(device);
	fd = raw_ioctl(dev, r);
	close(dev);
	if (fd < 0) {
		printf("error %s\n", errno_name(-fd));
		return fail_status(-fd);
	}
	printf("ok size %lld fd %d\n", (long long)lseek(fd, 0, SEEK_END), fd);
	close(fd);
	return EXIT_OK;
}

/* ------------------------------------------------------------------------
 * bench
 */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_phase(const char *name, uint64_t *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("%s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", name, v[0], v[n / 2],
	       v[n - 1]);
}

/* Empty the pools: every shrinker, every memcg. */
static void drop_pools(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, "2\n", 2) != 2)
		die_errno("/proc/sys/vm/drop_caches");
	close(fd);
}

static int cmd_bench(const struct opts *o)
{
	enum { IOCTL, MMAP, TOUCH, CLOSE, TOTAL, NR_PHASES };
	static const char *const names[] = { "ioctl", "mmap", "touch", "close", "total" };
	uint64_t *t[NR_PHASES], s0, s1, s2, s3, s4, off;
	long page = sysconf(_SC_PAGESIZE);
	unsigned int r, p;
	struct buf b;
	int dev, err;

	for (p = 0; p < NR_PHASES; p++) {
		t[p] = calloc(o->rounds, sizeof(uint64_t));
		if (!t[p])
			die_errno("calloc");
	}
	dev = open(o->device, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die_errno(o->device);
	for (r = 0; r < o->rounds; r++) {
		if (o->fresh)
			drop_pools();
		s0 = now_ns();
		err = alloc_one(dev, o->size, o->caching, o->node, &b);
		if (err) {
			errno = -err;
			die_errno("LRUPOOL_IOCTL_ALLOC");
		}
		s1 = now_ns();
		err = map_one(&b);
		if (err) {
			errno = -err;
			die_errno("mmap");
		}
		s2 = now_ns();
		for (off = 0; off < b.size; off += page)
			b.map[off] = 1;
		s3 = now_ns();
		unmap_one(&b);
		close(b.fd);
		s4 = now_ns();
		t[IOCTL][r] = s1 - s0;
		t[MMAP][r] = s2 - s1;
		t[TOUCH][r] = s3 - s2;
		t[CLOSE][r] = s4 - s3;
		t[TOTAL][r] = s3 - s0;
	}
	close(dev);
	printf("bench size %" PRIu64 " caching %s rounds %u %s\n", o->size,
	       caching_name(o->caching), o->rounds, o->fresh ? "fresh" : "pooled");
	for (p = 0; p < NR_PHASES; p++) {
		print_phase(names[p], t[p], o->rounds);
		free(t[p]);
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------------------
 * fuzz
 */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* The nodes with memory, from sysfs; a bitmap of the first 64. */
static uint64_t nodes_with_memory(void)
{
	FILE *f = fopen("/sys/devices/system/node/has_memory", "r");
	unsigned int lo, hi, i;
	uint64_t mask = 0;
	char sep;

	if (!f)
		return 1;	/* no NUMA: node 0 */
	while (fscanf(f, "%u", &lo) == 1) {
		hi = lo;
		sep = fgetc(f);
		if (sep == '-') {
			if (fscanf(f, "%u", &hi) != 1)
				break;
			sep = fgetc(f);
		}
		for (i = lo; i <= hi && i < 64; i++)
			mask |= 1ULL << i;
		if (sep != ',')
			break;
	}
	fclose(f);
	return mask;
}

/*
 * Sizes the fuzzer asks for are either small (at most 64 pages) or at
 * least FUZZ_HUGE, more than any machine's RAM, refused with E2BIG.
 */
#define FUZZ_HUGE	(1ULL << 44)

/*
 * expected_errnos: the errnos a request may get, as bits, by the uAPI's
 * rules (include/uapi/linux/lrupool.h): every rule it breaks adds its
 * errno, since the order of the checks is the kernel's to choose; 0 for a
 * request that must succeed.
 */
#define BIT_ERR(e)	(1ULL << (e))

static uint64_t expected_errnos(const struct raw_req *r, uint64_t mem_nodes,
				long page)
{
	uint64_t e = 0;

	if (r->nr != 0x40)
		return BIT_ERR(ENOTTY);
	if (r->null)
		e |= BIT_ERR(EFAULT);
	if (r->ioc_size < LRUPOOL_ALLOC_SIZE_VER0)
		return e | BIT_ERR(EINVAL);
	if (r->ioc_size > sizeof(struct lrupool_alloc) && r->tail > 0)
		e |= BIT_ERR(E2BIG);
	if (r->reserved[0] || r->reserved[1])
		e |= BIT_ERR(EINVAL);
	if (r->flags & ~(uint64_t)LRUPOOL_ALLOC_FLAGS)
		e |= BIT_ERR(EINVAL);
	if (!(r->flags & LRUPOOL_ALLOC_NODE) && r->node)
		e |= BIT_ERR(EINVAL);
	if ((r->flags & LRUPOOL_ALLOC_NODE) &&
	    (r->node < 0 || r->node >= 64 || !(mem_nodes & (1ULL << r->node))))
		e |= BIT_ERR(EINVAL);
	if (r->caching > LRUPOOL_CACHING_UC)
		e |= BIT_ERR(EINVAL);
	if (!r->size || r->size % page)
		e |= BIT_ERR(EINVAL);
	else if (r->size >= FUZZ_HUGE)
		e |= BIT_ERR(E2BIG);
	return e;
}

static void fuzz_request(struct raw_req *r, long page)
{
	static const uint64_t ioc_sizes[] = { 0, 8, 24, 39, 40, 40, 40, 40,
					      41, 48, 64, 4096, 4097, 16383 };
	static const int64_t nodes[] = { -1, 0, 1, 2, 3, 63, 64, 1024,
					 INT32_MAX, INT32_MIN };

	memset(r, 0, sizeof(*r));
	r->nr = rnd_below(16) ? 0x40 : rnd_below(256);
	r->ioc_size = ioc_sizes[rnd_below(ARRAY_SIZE(ioc_sizes))];
	r->tail = rnd_below(3) ? 0 : 1 + rnd_below(255);
	r->null = !rnd_below(32);
	switch (rnd_below(8)) {
	case 0:
		r->size = 0;
		break;
	case 1:		/* mostly unaligned */
		r->size = 1 + rnd_below(page * 4);
		break;
	case 2:
		r->size = (rnd() | FUZZ_HUGE) & ~(uint64_t)(page - 1);
		break;
	case 3:
		r->size = rnd() | FUZZ_HUGE;
		break;
	default:
		r->size = (1 + rnd_below(64)) * (uint64_t)page;
		break;
	}
	r->caching = rnd_below(8) ? rnd_below(3) : rnd_below(1ULL << 32);
	r->flags = rnd_below(2) ? 0 : rnd_below(4) ? LRUPOOL_ALLOC_NODE :
		(uint32_t)rnd();
	r->node = rnd_below(4) ? 0 : nodes[rnd_below(ARRAY_SIZE(nodes))];
	if (!rnd_below(8))
		r->reserved[rnd_below(2)] = 1ULL << rnd_below(64);
}

static bool fuzz_check_buffer(int fd, uint64_t size)
{
	struct buf b = { .fd = fd, .size = size };
	off_t end = lseek(fd, 0, SEEK_END);
	bool ok;

	if (end != (off_t)size) {
		fprintf(stderr, "fuzz: the buffer's size is %lld, asked %" PRIu64 "\n",
			(long long)end, size);
		return false;
	}
	if (map_one(&b))
		return false;
	ok = check_one(&b, 0, 0, "fuzz");
	memset(b.map, 0x5a, size);
	unmap_one(&b);
	return ok;
}

static int cmd_fuzz(const char *device, uint64_t seed, unsigned int count)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t mem_nodes = nodes_with_memory(), want;
	unsigned int i, ok = 0, refused = 0, nomem = 0, bad = 0;
	struct raw_req r;
	int dev, fd;

	rng_state = seed;
	dev = open(device, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die_errno(device);
	for (i = 0; i < count; i++) {
		fuzz_request(&r, page);
		want = expected_errnos(&r, mem_nodes, page);
		fd = raw_ioctl(dev, &r);
		if (fd >= 0 && !want) {
			ok++;
			if (!fuzz_check_buffer(fd, r.size))
				bad++;
			close(fd);
			continue;
		}
		if (fd < 0 && -fd < 64 && (want & BIT_ERR(-fd))) {
			refused++;
			continue;
		}
		/* A request that passes the checks may find no memory. */
		if (fd == -ENOMEM && !want) {
			nomem++;
			continue;
		}
		bad++;
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "fuzz: seed %" PRIu64 " request %u: nr 0x%" PRIx64
			" ioc_size %" PRIu64 " tail %d null %d size %" PRIu64
			" caching %" PRIu64 " node %" PRId64 " flags 0x%" PRIx64
			" reserved %" PRIx64 " %" PRIx64 ": got %s, expected %s (mask 0x%" PRIx64 ")\n",
			seed, i, r.nr, r.ioc_size, r.tail, r.null, r.size,
			r.caching, r.node, r.flags, r.reserved[0], r.reserved[1],
			fd >= 0 ? "success" : errno_name(-fd),
			want ? "an error" : "success", want);
	}
	close(dev);
	printf("fuzz: seed %" PRIu64 ": %u requests, %u buffers made, %u refused as the uAPI says, %u ENOMEM, %u unexpected\n",
	       seed, count, ok, refused, nomem, bad);
	return bad ? EXIT_FAIL : EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Command line
 */

static const char *next_arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage_error("%s needs a value", argv[*i]);
	return argv[++*i];
}

static bool is(const char *a, const char *s, const char *l)
{
	return (s && !strcmp(a, s)) || !strcmp(a, l);
}

static int arg_expect(const char *s)
{
	if (!strcmp(s, "zero"))
		return 0;
	if (!strcmp(s, "any"))
		return EXPECT_ANY;
	return arg_byte("--expect", s);
}

/* parse_common: the options of alloc, recv and bench; false if unknown. */
static bool parse_common(struct opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (is(a, "-n", "--count"))
		o->count = arg_u64(a, next_arg(argc, argv, i), MAX_BUFS);
	else if (is(a, "-s", "--size"))
		o->size = arg_size(next_arg(argc, argv, i));
	else if (is(a, "-c", "--caching"))
		o->caching = arg_caching(next_arg(argc, argv, i));
	else if (is(a, "-N", "--node"))
		o->node = arg_u64(a, next_arg(argc, argv, i), INT32_MAX);
	else if (is(a, "-p", "--pattern"))
		o->pattern = arg_byte(a, next_arg(argc, argv, i));
	else if (is(a, NULL, "--no-write"))
		o->pattern = PATTERN_NONE;
	else if (is(a, "-e", "--expect"))
		o->expect = arg_expect(next_arg(argc, argv, i));
	else if (is(a, "-t", "--hold"))
		o->hold = arg_hold(next_arg(argc, argv, i));
	else if (is(a, "-w", "--wait-file"))
		o->wait_file = next_arg(argc, argv, i);
	else if (is(a, "-r", "--ready-file"))
		o->ready_file = next_arg(argc, argv, i);
	else if (is(a, "-i", "--info"))
		o->info = true;
	else if (is(a, "-x", "--run"))
		o->run = next_arg(argc, argv, i);
	else if (is(a, "-d", "--device"))
		o->device = next_arg(argc, argv, i);
	else if (is(a, "-f", "--fork"))
		o->fork = true;
	else if (is(a, NULL, "--child-cgroup"))
		o->child_cgroup = next_arg(argc, argv, i);
	else if (is(a, NULL, "--child-hold"))
		o->child_hold = arg_hold(next_arg(argc, argv, i));
	else if (is(a, NULL, "--child-wait-file"))
		o->child_wait_file = next_arg(argc, argv, i);
	else if (is(a, NULL, "--child-log"))
		o->child_log = next_arg(argc, argv, i);
	else if (is(a, "-S", "--send"))
		o->send = next_arg(argc, argv, i);
	else if (is(a, NULL, "--rounds"))
		o->rounds = arg_u64(a, next_arg(argc, argv, i), 1000000);
	else if (is(a, NULL, "--fresh"))
		o->fresh = true;
	else
		return false;
	return true;
}

static bool parse_raw(struct raw_req *r, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (is(a, NULL, "--size"))
		r->size = arg_u64(a, next_arg(argc, argv, i), UINT64_MAX);
	else if (is(a, NULL, "--caching"))
		r->caching = arg_u64(a, next_arg(argc, argv, i), UINT32_MAX);
	else if (is(a, NULL, "--node"))
		r->node = arg_s64(a, next_arg(argc, argv, i), INT32_MIN, INT32_MAX);
	else if (is(a, NULL, "--flags"))
		r->flags = arg_u64(a, next_arg(argc, argv, i), UINT32_MAX);
	else if (is(a, NULL, "--reserved0"))
		r->reserved[0] = arg_u64(a, next_arg(argc, argv, i), UINT64_MAX);
	else if (is(a, NULL, "--reserved1"))
		r->reserved[1] = arg_u64(a, next_arg(argc, argv, i), UINT64_MAX);
	else if (is(a, NULL, "--ioc-size"))
		r->ioc_size = arg_u64(a, next_arg(argc, argv, i), RAW_BUF_MAX - 1);
	else if (is(a, NULL, "--tail"))
		r->tail = arg_byte(a, next_arg(argc, argv, i));
	else if (is(a, NULL, "--nr"))
		r->nr = arg_u64(a, next_arg(argc, argv, i), 255);
	else if (is(a, NULL, "--null"))
		r->null = true;
	else
		return false;
	return true;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.device = "/dev/lrupool", .count = 1, .size = 2ULL << 20,
		.caching = LRUPOOL_CACHING_WC, .node = -1, .pattern = 0xa5,
		.rounds = 20,
	};
	struct raw_req r = {
		.ioc_size = sizeof(struct lrupool_alloc), .tail = -1, .nr = 0x40,
		.size = 2ULL << 20, .caching = LRUPOOL_CACHING_WC,
	};
	const char *cmd = "alloc", *sock = NULL;
	uint64_t seed = 1, fuzz_count = 1000;
	long page = sysconf(_SC_PAGESIZE);
	int i = 1;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		i = 2;
	}
	if (!strcmp(cmd, "recv")) {
		if (i >= argc || argv[i][0] == '-')
			usage_error("%s needs a socket path", cmd);
		sock = argv[i++];
		o.expect = EXPECT_SENDER;
	}
	for (; i < argc; i++) {
		if (is(argv[i], "-h", "--help")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (!strcmp(cmd, "raw") && parse_raw(&r, argc, argv, &i))
			continue;
		if (!strcmp(cmd, "fuzz") && is(argv[i], NULL, "--seed")) {
			seed = arg_u64("--seed", next_arg(argc, argv, &i), UINT64_MAX);
			continue;
		}
		if (!strcmp(cmd, "fuzz") && is(argv[i], NULL, "--count")) {
			fuzz_count = arg_u64("--count", next_arg(argc, argv, &i), UINT32_MAX);
			continue;
		}
		if (is(argv[i], "-d", "--device")) {
			o.device = next_arg(argc, argv, &i);
			continue;
		}
		if (strcmp(cmd, "raw") && strcmp(cmd, "fuzz") &&
		    parse_common(&o, argc, argv, &i))
			continue;
		usage_error("unknown option %s", argv[i]);
	}
	if (o.size == 0 || o.size % page)
		usage_error("the size must be a non-zero multiple of the page size%s", "");
	if (!o.count || !o.rounds)
		usage_error("a count must be at least 1%s", "");
	if (o.fork && o.send)
		usage_error("--fork and --send%s: choose one", "");
	catch_signals();
	if (!strcmp(cmd, "alloc"))
		return cmd_alloc(&o);
	if (!strcmp(cmd, "recv"))
		return cmd_recv(&o, sock);
	if (!strcmp(cmd, "raw"))
		return cmd_raw(o.device, &r);
	if (!strcmp(cmd, "bench"))
		return cmd_bench(&o);
	if (!strcmp(cmd, "fuzz"))
		return cmd_fuzz(o.device, seed, fuzz_count);
	usage_error("unknown command %s", cmd);
	return EXIT_USAGE;
}
