/* host/app/ticker.c -- a progress line on the terminal for one long step
 * (ticker.h).  One thread, one mutex; the state is process-wide because
 * the terminal is. */
#include "ticker.h"

#include "data/progress.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t thread;
static int running, stopping, shown;
static char label[160];
static int step_k, step_n;
static double start, delay;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Write the whole buffer to stderr (fd 2), unbuffered, so the line never
 * waits in a stdio buffer another thread is filling. */
static void put(const char *s, size_t len) {
  while (len > 0) {
    ssize_t w = write(2, s, len);
    if (w <= 0) return;
    s += w;
    len -= (size_t)w;
  }
}

/* Draw the line for the open step; called with the lock held. */
static void draw(double t) {
  enum { WIDTH = 30 };
  char bar[WIDTH + 1], line[256];
  /* the steps before this one are done; this one counts by what its loop
   * has noted (data/progress.h), else half */
  size_t done, total;
  double within = progress_read(&done, &total) ? (double)done / (double)total : 0.5;
  if (within > 1) within = 1;
  double frac = step_n > 0 ? ((double)step_k - 1 + within) / (double)step_n : 0;
  int filled = (int)(frac * WIDTH + 0.5);
  if (filled < 0) filled = 0;
  if (filled > WIDTH) filled = WIDTH;
  memset(bar, '#', (size_t)filled);
  memset(bar + filled, '.', (size_t)(WIDTH - filled));
  bar[WIDTH] = '\0';
  char pct[16] = "";
  if (total > 0) snprintf(pct, sizeof pct, " %.0f%%", 100 * within);
  int len = snprintf(line, sizeof line, "\r[%s] step %d of %d: %s%s %.0f s\033[K", bar, step_k, step_n, label,
                     pct, t - start);
  if (len > 0) put(line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
  shown = 1;
}

static void *loop(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  while (!stopping) {
    double t = now();
    if (t - start >= delay) draw(t);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 250000000L;
    if (until.tv_nsec >= 1000000000L) { until.tv_sec += 1; until.tv_nsec -= 1000000000L; }
    pthread_cond_timedwait(&wake, &lock, &until);
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

int hs_ticker_step(const char *text, int k, int n, double wait) {
  pthread_mutex_lock(&lock);
  snprintf(label, sizeof label, "%s", text ? text : "");
  step_k = k;
  step_n = n;
  start = now();
  delay = wait;
  progress_reset();
  if (shown) { put("\r\033[K", 4); shown = 0; }
  int rc = 0;
  if (!running) {
    stopping = 0;
    if (pthread_create(&thread, NULL, loop, NULL) == 0) running = 1;
    else rc = -1;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

void hs_ticker_stop(void) {
  pthread_mutex_lock(&lock);
  if (!running) { pthread_mutex_unlock(&lock); return; }
  stopping = 1;
  pthread_cond_signal(&wake);
  pthread_mutex_unlock(&lock);
  pthread_join(thread, NULL);
  pthread_mutex_lock(&lock);
  running = 0;
  if (shown) { put("\r\033[K", 4); shown = 0; }
  pthread_mutex_unlock(&lock);
}
