/* host/app/fs.h -- file-system helpers for outputs: atomic writes, folders,
 * and the path checks the recipe sandbox relies on.  Pure C (POSIX). */
#ifndef CSC_HS_FS_H
#define CSC_HS_FS_H

#include <stddef.h>

/* Write len bytes to path atomically: a temporary file in the same folder,
 * fsync, then rename over path.  0 ok; -1 with errno set (no partial file left). */
int hs_fs_write_atomic(const char *path, const void *data, size_t len);
/* mkdir -p.  0 ok (also when it exists), -1 with errno. */
int hs_fs_mkdirs(const char *path);
/* Remove a folder and the regular files directly inside it (outputs never
 * nest deeper).  0 ok or absent, -1 with errno. */
int hs_fs_rmdir_flat(const char *path);
/* Replace folder `dst` by folder `src`.  Where the file system can, the two
 * are exchanged in one atomic rename (RENAME_EXCHANGE) and the old report,
 * now at src, removed; otherwise dst is renamed to `aside` first.  0 ok,
 * 1 when the new folder is in place but the old one could not be removed,
 * -1 with errno (dst unchanged). */
int hs_fs_swap_dir(const char *src, const char *dst, const char *aside);
/* Take an exclusive lock (flock) on the folder at path without waiting, and
 * write info into the file runfile inside it (not through a symbolic link).
 * Returns the open descriptor, which holds the lock until it is closed or the
 * process ends, however it ends; -1 with errno (EBUSY when another process
 * holds it, with "pid N: its command line" in holder, from /proc/locks or
 * from the other run's runfile). */
int hs_fs_lock_dir(const char *path, const char *runfile, const char *info, char *holder, size_t cap);
/* Canonical absolute form of path, resolving "." and ".." lexically against
 * the current folder and following symlinks for the part that exists.
 * Returns a malloc'd string or NULL. */
char *hs_fs_canonical(const char *path);
/* 1 if canonical path p is dir itself or inside it. */
int hs_fs_is_within(const char *p, const char *dir);
/* 1 if path names an existing regular file, 2 a folder, 3 a FIFO, 4 a
 * device, 5 anything else that exists (a socket), 0 when nothing is there. */
int hs_fs_kind(const char *path);
/* 1 when path itself is a symbolic link (not followed), else 0. */
int hs_fs_is_link(const char *path);
/* Read a whole file into a malloc'd buffer (NUL-terminated); NULL with errno. */
char *hs_fs_read_all(const char *path, size_t *len);

#endif
