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
/* Replace folder `dst` by folder `src`: dst is renamed aside, src renamed in,
 * the old one removed.  0 ok, -1 with errno. */
int hs_fs_swap_dir(const char *src, const char *dst);
/* Canonical absolute form of path, resolving "." and ".." lexically against
 * the current folder and following symlinks for the part that exists.
 * Returns a malloc'd string or NULL. */
char *hs_fs_canonical(const char *path);
/* 1 if canonical path p is dir itself or inside it. */
int hs_fs_is_within(const char *p, const char *dir);
/* 1 if path names an existing regular file, 2 a folder, 0 otherwise. */
int hs_fs_kind(const char *path);
/* 1 when path itself is a symbolic link (not followed), else 0. */
int hs_fs_is_link(const char *path);
/* Read a whole file into a malloc'd buffer (NUL-terminated); NULL with errno. */
char *hs_fs_read_all(const char *path, size_t *len);

#endif
