/* tests/fuzz/replay.c -- runs a harness over files without libFuzzer, so
 * `make check` replays the committed corpus with the ASan/UBSan build (gcc):
 *   build-asan/fuzz/csv tests/fuzz/corpus/csv/ [more files or folders]
 * Every regular file of each folder (not recursive) is one input.  A finding
 * aborts (the harness calls abort, or a sanitizer stops the process). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  return 0;
}

static int run_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) { perror(path); return -1; }
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len, fp)) > 0) {
    len += n;
    if (len == cap) {
      unsigned char *nb = realloc(buf, cap *= 2);
      if (!nb) { free(buf); buf = NULL; }
      else buf = nb;
    }
  }
  fclose(fp);
  if (!buf) { fprintf(stderr, "%s: out of memory\n", path); return -1; }
  /* a copy of exactly len bytes, so ASan sees a read past the input */
  unsigned char *exact = malloc(len ? len : 1);
  if (!exact) { free(buf); return -1; }
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  size_t runs = 0;
  int bad = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) { perror(argv[i]); bad = 1; continue; }
    if (!S_ISDIR(st.st_mode)) {
      if (run_file(argv[i]) != 0) bad = 1; else runs++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (!d) { perror(argv[i]); bad = 1; continue; }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      if (nn == cap) {
        char **nb = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
        if (!nb) { fprintf(stderr, "out of memory\n"); return 1; }
        names = nb;
      }
      names[nn] = malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
      if (!names[nn]) { fprintf(stderr, "out of memory\n"); return 1; }
      sprintf(names[nn], "%s/%s", argv[i], e->d_name);
      nn++;
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp);   /* the same order on every machine */
    for (size_t k = 0; k < nn; k++) {
      if (stat(names[k], &st) == 0 && S_ISREG(st.st_mode)) {
        if (run_file(names[k]) != 0) bad = 1; else runs++;
      }
      free(names[k]);
    }
    free(names);
  }
  printf("%s: %zu inputs replayed\n", argv[0], runs);
  return bad;
}
