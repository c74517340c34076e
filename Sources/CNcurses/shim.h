/*
 * CNcurses shim: the parts of ncurses that Swift cannot import directly.
 *
 * Swift imports plain functions and simple integer macros, but not function-like macros
 * (A_BOLD, KEY_F(n), BUTTON1_PRESSED, getmaxyx, ...) nor, in Swift 6 mode, mutable C globals
 * (stdscr, curscr, LINES, COLS, COLORS, COLOR_PAIRS). This header re-exports them as
 * `static const` values (CN_*) and `static inline` wrappers (cn_*).
 *
 * The wide-character API (cchar_t, setcchar, wget_wch) is only declared when these two
 * macros are defined before the first include. SwiftPM drops the -D flags from the .pc file.
 */
#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <ncurses.h>

/* Attributes (NCURSES_BITS macros). */
static const attr_t CN_A_NORMAL = A_NORMAL;
static const attr_t CN_A_BOLD = A_BOLD;
static const attr_t CN_A_DIM = A_DIM;
static const attr_t CN_A_REVERSE = A_REVERSE;
static const attr_t CN_A_UNDERLINE = A_UNDERLINE;
static const attr_t CN_A_STANDOUT = A_STANDOUT;

/* Mouse event masks (NCURSES_MOUSE_MASK macros). */
static const mmask_t CN_BUTTON1_PRESSED = BUTTON1_PRESSED;
static const mmask_t CN_BUTTON1_RELEASED = BUTTON1_RELEASED;
static const mmask_t CN_BUTTON1_CLICKED = BUTTON1_CLICKED;
static const mmask_t CN_BUTTON1_DOUBLE_CLICKED = BUTTON1_DOUBLE_CLICKED;
static const mmask_t CN_BUTTON3_PRESSED = BUTTON3_PRESSED;
static const mmask_t CN_BUTTON3_RELEASED = BUTTON3_RELEASED;
static const mmask_t CN_BUTTON4_PRESSED = BUTTON4_PRESSED;
static const mmask_t CN_BUTTON5_PRESSED = BUTTON5_PRESSED;
static const mmask_t CN_REPORT_MOUSE_POSITION = REPORT_MOUSE_POSITION;
static const mmask_t CN_ALL_MOUSE_EVENTS = ALL_MOUSE_EVENTS;

/* Globals (rejected by Swift 6 as not concurrency-safe). */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline WINDOW *cn_curscr(void) { return curscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }

/* Function-like macros. */
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline void cn_getmaxyx(WINDOW *win, int *y, int *x) {
  int yy, xx;
  getmaxyx(win, yy, xx);
  *y = yy;
  *x = xx;
}

/*
 * newterm on the process's stdin/stdout. Unlike initscr, it returns NULL when the terminal
 * type is unknown instead of printing a message and exiting.
 */
static inline SCREEN *cn_newterm_stdio(const char *term) {
  return newterm(term, stdout, stdin);
}

/*
 * Columns taken by a wide character in the current locale (-1 when unprintable). glibc only
 * declares wcwidth under _XOPEN_SOURCE, which the Glibc module is built without.
 */
extern int wcwidth(wchar_t c);
static inline int cn_wcwidth(wchar_t c) { return wcwidth(c); }

/* getmouse without exposing MEVENT. Returns OK or ERR. */
static inline int cn_getmouse(int *x, int *y, mmask_t *bstate) {
  MEVENT event;
  if (getmouse(&event) != OK) {
    return ERR;
  }
  *x = event.x;
  *y = event.y;
  *bstate = event.bstate;
  return OK;
}

/* A terminfo string capability, or NULL when absent or cancelled (tigetstr returns -1/0). */
static inline const char *cn_tigetstr(const char *name) {
  char *value = tigetstr(name);
  if (value == NULL || value == (char *)-1) {
    return NULL;
  }
  return value;
}

#endif /* CNCURSES_SHIM_H */
