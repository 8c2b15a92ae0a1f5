/* host/app/ticker.h -- a progress line on the terminal for one long step.
 * The C loops of a step (reading a 10-million-row file, matching, a fit)
 * run without returning to Lua, so nothing Lua does can redraw a bar while
 * they work.  The ticker is a thread that, while a step is open and has run
 * for longer than its delay, redraws one line on stderr four times a second:
 *   [#########.....................] step 3 of 9: matching 4 s
 * It never touches the step's data and costs the loops nothing.  The caller
 * decides whether to show anything at all (stderr a terminal, not --quiet):
 * the ticker itself writes whatever it is told to. */
#ifndef CSC_HS_TICKER_H
#define CSC_HS_TICKER_H

/* Open step k of n (1-based) named label; the line appears once the step
 * has lasted delay seconds.  Starts the thread on the first call; a second
 * call moves to the next step.  Returns 0, or -1 when no thread could be
 * started (then nothing is drawn). */
int hs_ticker_step(const char *label, int k, int n, double delay);

/* Close the step: stop the thread, rub out the line if one was drawn.
 * Safe to call when no step is open. */
void hs_ticker_stop(void);

#endif
