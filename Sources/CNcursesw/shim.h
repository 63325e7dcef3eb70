// Wide-character ncurses for the dashboard.
//
// Swift cannot import the NCURSES_BITS attribute macros, nor the C globals
// stdscr/COLS/LINES in Swift 6 mode, so this header gives tiny accessors.
#ifndef BNN_NCURSESW_SHIM_H
#define BNN_NCURSESW_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#if defined(__APPLE__)
#include <curses.h>
#else
#include <ncursesw/curses.h>
#endif

static inline WINDOW *bnn_stdscr(void) { return stdscr; }
/// newterm on the process's own stdout/stdin: unlike initscr it returns NULL
/// (instead of exiting) when TERM is unknown. Swift 6 rejects the C globals
/// stdout/stdin, hence the accessor.
static inline SCREEN *bnn_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }
static inline int bnn_lines(void) { return LINES; }
static inline int bnn_cols(void) { return COLS; }
static inline int bnn_colors(void) { return COLORS; }
static inline int bnn_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t bnn_attr_bold(void) { return A_BOLD; }
static inline attr_t bnn_attr_dim(void) { return A_DIM; }
static inline attr_t bnn_attr_reverse(void) { return A_REVERSE; }
static inline attr_t bnn_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t bnn_attr_normal(void) { return A_NORMAL; }
/// Columns a character takes (wcwidth is hidden behind _XOPEN_SOURCE in Glibc's module).
extern int wcwidth(wchar_t);
static inline int bnn_wcwidth(wchar_t c) { return wcwidth(c); }
static inline int bnn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int bnn_key_resize(void) { return KEY_RESIZE; }
static inline int bnn_key_btab(void) { return KEY_BTAB; }
static inline int bnn_key_left(void) { return KEY_LEFT; }
static inline int bnn_key_right(void) { return KEY_RIGHT; }
static inline int bnn_key_up(void) { return KEY_UP; }
static inline int bnn_key_down(void) { return KEY_DOWN; }
static inline int bnn_key_backspace(void) { return KEY_BACKSPACE; }
static inline int bnn_key_enter(void) { return KEY_ENTER; }
/// Whether the terminal can move the cursor (terminfo `cup`): TERM=dumb and the like cannot,
/// and would show one stale line.
static inline int bnn_can_address_cursor(void) {
    char name[] = "cup";
    const char *capability = tigetstr(name);
    return capability != NULL && capability != (const char *)-1;
}
#endif
