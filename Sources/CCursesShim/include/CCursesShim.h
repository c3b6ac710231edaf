// CCursesShim: the parts of ncurses Swift cannot import (attribute macros, getmaxyx, the stdscr global) and the
// C side of "the terminal is restored on every exit path": signal handlers that restore it and re-deliver the
// signal, SIGINT turned into a flag, and standard error kept in a log file while curses owns the screen.
//
// Windows and screens are passed as `void *` so this header does not include curses (Swift gets the curses types
// from the CNcursesw module and converts).
#ifndef CCURSESSHIM_H
#define CCURSESSHIM_H

#include <stdbool.h>

// MARK: - Attributes (ncurses builds them with NCURSES_BITS, which Swift does not import)

unsigned int ccs_attr_normal(void);
unsigned int ccs_attr_bold(void);
unsigned int ccs_attr_reverse(void);
unsigned int ccs_attr_dim(void);
unsigned int ccs_attr_underline(void);

// MARK: - Windows

/// The current screen's stdscr (a WINDOW *), or NULL before `ccs_start`.
void *ccs_stdscr(void);
/// getmaxyx(window, *height, *width).
void ccs_getmaxyx(void *window, int *height, int *width);

// MARK: - Starting and ending curses

/// What `ccs_start` found.
enum {
    CCS_STARTED = 0,
    /// TERM is unset or names no terminfo entry (or the terminfo database is missing).
    CCS_UNKNOWN_TERMINAL = 1,
    /// newterm failed for another reason.
    CCS_NEWTERM_FAILED = 2,
};

/// Sets the locale (the environment's, with a UTF-8 LC_CTYPE forced when its codeset is not UTF-8, so that
/// wide and non-ASCII characters are drawn even with LANG unset).
void ccs_set_locale(void);

/// Installs the signal handlers (SIGTERM, SIGHUP, SIGQUIT: restore and re-deliver; SIGSEGV, SIGBUS, SIGILL,
/// SIGTRAP, SIGABRT, SIGFPE: restore, print the stderr log, re-deliver; SIGINT: set the interrupt flag), unblocks
/// those signals, and registers `ccs_restore` with atexit. Call before `ccs_start` so that ncurses does not install
/// its own SIGINT/SIGTERM handlers. Idempotent.
void ccs_install_handlers(void);

/// Checks the terminal (setupterm without printing), then `newterm(NULL, fdopen(1), fdopen(0))` — never initscr,
/// which exits the process on an unknown TERM. On success, standard error goes to a log file until
/// `ccs_restore`. Returns one of the CCS_* codes.
int ccs_start(void);

/// Ends curses if it is active (`endwin` once: a second one would re-send rmcup and move the shell's cursor), puts
/// standard error back and copies what was written to it meanwhile. Safe to call any number of times, from any
/// path, including signal handlers.
void ccs_restore(void);

/// What ``ccs_mouse_read`` read.
enum { CCS_MOUSE_NONE = 0, CCS_MOUSE_PRESS = 1, CCS_MOUSE_RELEASE = 2, CCS_MOUSE_WHEEL_UP = 3, CCS_MOUSE_WHEEL_DOWN = 4 };

/// Turns the reporting of clicks and the wheel on (1) or off (0): through ncurses (`mousemask`) when TERM's entry
/// knows a mouse, else by writing xterm's `ESC [?1000h ESC [?1006h` (SGR reports, decoded by the browser); off
/// again on ``ccs_restore`` in both cases.
void ccs_mouse(int on);

/// After KEY_MOUSE: the event's screen row and column (0-based) and button (0 left, 1 middle, 2 right); returns a
/// CCS_MOUSE_* kind (NONE for an event the browser does not use).
int ccs_mouse_read(int *row, int *column, int *button);

/// Whether curses is active (started and not restored).
bool ccs_is_active(void);

/// Returns whether SIGINT arrived since the last call, and clears the flag.
bool ccs_take_interrupt(void);

// MARK: - SIGTERM and SIGHUP with unsaved edits

/// While deferred (the browser's event loop runs), a first SIGTERM or SIGHUP only sets a flag — the loop then
/// writes the unsaved changes to a recovery file, restores the terminal and calls `ccs_die_of`; a second one (the
/// loop is stuck) restores and ends the process at once, as when not deferred.
void ccs_defer_ending_signals(bool defer);

/// The SIGTERM or SIGHUP that arrived while deferred, or 0.
int ccs_ending_signal(void);

/// Ends the process with `signal_number`'s default action (so the shell sees 128+n), after restoring the terminal.
void ccs_die_of(int signal_number);

#endif
