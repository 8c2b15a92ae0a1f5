/* host/app/fs.c -- output files written atomically, folder handling, and
 * canonical paths for the sandbox's "inside the output folder" check.
 * A failed run must leave no partial report, so every write goes through a
 * temporary file and rename(2), which POSIX makes atomic within a filesystem. */
#define _GNU_SOURCE 1          /* renameat2 and RENAME_EXCHANGE, flock */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

int hs_fs_write_atomic(const char *path, const void *data, size_t len) {
  size_t n = strlen(path);
  char *tmp = malloc(n + 16);
  if (!tmp) return -1;
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmp.XXXXXX", 12);
  int fd = mkstemp(tmp);
  if (fd < 0) { free(tmp); return -1; }
  const char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      goto fail;
    }
    p += w; left -= (size_t)w;
  }
  if (fsync(fd) != 0 && errno != EINVAL) goto fail;
  /* mkstemp makes 0600; outputs are ordinary shareable files */
  if (fchmod(fd, 0644) != 0) goto fail;
  if (close(fd) != 0) { fd = -1; goto fail; }
  fd = -1;
  if (rename(tmp, path) != 0) goto fail;
  free(tmp);
  return 0;
fail: {
    int e = errno;
    if (fd >= 0) close(fd);
    unlink(tmp);
    free(tmp);
    errno = e;
    return -1;
  }
}

int hs_fs_mkdirs(const char *path) {
  size_t n = strlen(path);
  char *buf = malloc(n + 1);
  if (!buf) return -1;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0755) != 0 && errno != EEXIST) { int e = errno; free(buf); errno = e; return -1; }
      buf[i] = c;
    }
  }
  free(buf);
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
  return 0;
}

int hs_fs_rmdir_flat(const char *path) {
  /* never through a symbolic link: it could point at a folder of the user's */
  struct stat lst;
  if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) { errno = ELOOP; return -1; }
  DIR *d = opendir(path);
  if (!d) return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  size_t n = strlen(path);
  int rc = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    size_t m = strlen(e->d_name);
    char *p = malloc(n + m + 2);
    if (!p) { rc = -1; break; }
    memcpy(p, path, n); p[n] = '/'; memcpy(p + n + 1, e->d_name, m + 1);
    if (unlink(p) != 0) rc = -1;
    free(p);
  }
  closedir(d);
  if (rc == 0 && rmdir(path) != 0) rc = -1;
  return rc;
}

int hs_fs_swap_dir(const char *src, const char *dst, const char *aside) {
  if (hs_fs_kind(dst) != 2) return rename(src, dst);
  /* One atomic step where the file system allows it: the two folders trade
   * names, so at every instant dst is the complete old or the complete new
   * report, whenever the process is killed.  src then holds the old report. */
  if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) return hs_fs_rmdir_flat(src) == 0 ? 0 : 1;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return -1;
  /* Two renames otherwise; a kill between them leaves the old report at
   * `aside`, which the next run moves back (lua/csc/runner.lua). */
  if (rename(dst, aside) != 0) return -1;
  if (rename(src, dst) != 0) {
    int e = errno;
    rename(aside, dst);   /* put the previous report back */
    errno = e;
    return -1;
  }
  return hs_fs_rmdir_flat(aside) == 0 ? 0 : 1;
}

/* Who holds a flock on the file with this device and inode: its pid from
 * /proc/locks and its command line from /proc/PID/cmdline, into out.  Linux
 * only; elsewhere out stays "". */
static void lock_holder(dev_t dev, ino_t ino, char *out, size_t cap) {
  FILE *fp = fopen("/proc/locks", "r");
  if (!fp || cap < 2) { if (fp) fclose(fp); return; }
  char line[256];
  long pid = 0;
  while (fgets(line, sizeof line, fp)) {
    char kind[16];
    long p;
    unsigned maj, min;
    unsigned long long in;
    /* "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF" (a "->" marks a waiter) */
    if (strstr(line, "->")) continue;
    if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", kind, &p, &maj, &min, &in) == 5 &&
        strcmp(kind, "FLOCK") == 0 && in == (unsigned long long)ino &&
        maj == major(dev) && min == minor(dev)) { pid = p; break; }
  }
  fclose(fp);
  if (pid <= 0) return;
  int n = snprintf(out, cap, "pid %ld", pid);
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
  FILE *cf = fopen(path, "r");
  if (!cf || n < 0 || (size_t)n + 3 >= cap) { if (cf) fclose(cf); return; }
  memcpy(out + n, ": ", 2);
  size_t o = (size_t)n + 2;
  size_t r = fread(out + o, 1, cap - o - 1, cf);
  fclose(cf);
  for (size_t i = 0; i < r; i++) if (out[o + i] == '\0') out[o + i] = ' ';
  while (r > 0 && out[o + r - 1] == ' ') r--;
  out[o + r] = '\0';
}

int hs_fs_lock_dir(const char *path, const char *runfile, const char *info, char *holder, size_t cap) {
  if (cap) holder[0] = '\0';
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    struct stat st;
    if (e == EWOULDBLOCK && fstat(fd, &st) == 0) lock_holder(st.st_dev, st.st_ino, holder, cap);
    /* else the holder's own note; it writes it just after locking, so wait
     * for it a little (at most a second) */
    for (int tries = 0; e == EWOULDBLOCK && cap > 1 && !holder[0] && tries < 20; tries++) {
      int rf = openat(fd, runfile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (rf >= 0) {
        ssize_t n = read(rf, holder, cap - 1);
        close(rf);
        holder[n > 0 ? n : 0] = '\0';
        char *nl = strchr(holder, '\n');
        if (nl) *nl = '\0';
      }
      if (!holder[0]) {
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
      }
    }
    close(fd);
    errno = e == EWOULDBLOCK ? EBUSY : e;
    return -1;
  }
  /* who holds it, for the message another run prints */
  int rf = openat(fd, runfile, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (rf >= 0) {
    size_t n = strlen(info);
    if (write(rf, info, n) != (ssize_t)n) { /* the lock holds regardless */ }
    close(rf);
  }
  return fd;   /* kept open: the kernel releases the lock when the process ends, however it ends */
}

/* Lexical normalisation of an absolute path: drops "." and empty parts,
 * resolves ".." against what precedes it. */
static void normalise(char *p) {
  char *out = p, *in = p;
  while (*in) {
    while (*in == '/') in++;
    if (!*in) break;
    char *seg = in;
    while (*in && *in != '/') in++;
    size_t len = (size_t)(in - seg);
    if (len == 1 && seg[0] == '.') continue;
    if (len == 2 && seg[0] == '.' && seg[1] == '.') {
      while (out > p && *(out - 1) != '/') out--;
      if (out > p) out--;
      continue;
    }
    *out++ = '/';
    memmove(out, seg, len);
    out += len;
  }
  if (out == p) *out++ = '/';
  *out = '\0';
}

char *hs_fs_canonical(const char *path) {
  char cwd[PATH_MAX];
  size_t n = strlen(path);
  char *abs;
  if (path[0] == '/') {
    abs = malloc(n + 1);
    if (!abs) return NULL;
    memcpy(abs, path, n + 1);
  } else {
    if (!getcwd(cwd, sizeof cwd)) return NULL;
    size_t m = strlen(cwd);
    abs = malloc(m + n + 2);
    if (!abs) return NULL;
    memcpy(abs, cwd, m); abs[m] = '/'; memcpy(abs + m + 1, path, n + 1);
  }
  normalise(abs);
  /* Follow symlinks in the longest existing prefix, so a link inside the
   * output folder cannot point outside it unnoticed. */
  size_t len = strlen(abs);
  for (size_t cut = len; cut > 0; cut--) {
    if (cut != len && abs[cut] != '/') continue;
    char save = abs[cut];
    abs[cut] = '\0';
    char *real = realpath(abs, NULL);
    abs[cut] = save;
    if (real) {
      size_t rl = strlen(real), tail = len - cut;
      char *res = malloc(rl + tail + 2);
      if (!res) { free(real); free(abs); return NULL; }
      memcpy(res, real, rl);
      memcpy(res + rl, abs + cut, tail + 1);
      free(real); free(abs);
      normalise(res);
      return res;
    }
  }
  return abs;
}

int hs_fs_is_within(const char *p, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return 1;
  return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

int hs_fs_is_link(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

int hs_fs_kind(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return 0;
  if (S_ISREG(st.st_mode)) return 1;
  if (S_ISDIR(st.st_mode)) return 2;
  if (S_ISFIFO(st.st_mode)) return 3;
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return 4;
  return 5;
}

char *hs_fs_read_all(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  if (!buf) { fclose(fp); return NULL; }
  for (;;) {
    size_t r = fread(buf + n, 1, cap - n, fp);
    n += r;
    if (n < cap) break;
    cap *= 2;
    char *nb = realloc(buf, cap + 1);
    if (!nb) { free(buf); fclose(fp); errno = ENOMEM; return NULL; }
    buf = nb;
  }
  if (ferror(fp)) { int e = errno; free(buf); fclose(fp); errno = e ? e : EIO; return NULL; }
  fclose(fp);
  buf[n] = '\0';
  *len = n;
  return buf;
}
