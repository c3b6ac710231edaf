// See include/CCursesShim.h. Everything that touches process-wide state for the terminal (signals, locale, the
// stderr descriptor) is here, in C, so the handlers only use what is safe in a signal handler (plus endwin, which
// ncurses' own handlers call too).
#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "CCursesShim.h"

// MARK: - Attributes and windows

unsigned int ccs_attr_normal(void) { return A_NORMAL; }
unsigned int ccs_attr_bold(void) { return A_BOLD; }
unsigned int ccs_attr_reverse(void) { return A_REVERSE; }
unsigned int ccs_attr_dim(void) { return A_DIM; }
unsigned int ccs_attr_underline(void) { return A_UNDERLINE; }

static SCREEN *screen = NULL;
static WINDOW *window = NULL;

void *ccs_stdscr(void) { return window; }

// (Not `rows`/`columns`: term.h defines `columns` and `lines` as macros.)
void ccs_getmaxyx(void *w, int *height, int *width) {
    int y = 0, x = 0;
    if (w != NULL) getmaxyx((WINDOW *)w, y, x);
    *height = y;
    *width = x;
}

// MARK: - Locale

void ccs_set_locale(void) {
    setlocale(LC_ALL, "");
    // Numbers are the engine's business and always use '.', whatever the user's locale says.
    setlocale(LC_NUMERIC, "C");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset == NULL || strcmp(codeset, "UTF-8") != 0) {
        // With LANG unset the codeset is ANSI_X3.4-1968 and ncursesw drops every non-ASCII character.
        if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) setlocale(LC_CTYPE, "C.utf8");
    }
}

// MARK: - Restoring

static volatile sig_atomic_t active = 0;
static volatile sig_atomic_t interrupted = 0;
static int saved_stderr = -1;
static int log_fd = -1;

static void write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = write(fd, bytes, count);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        bytes += n;
        count -= (size_t)n;
    }
}

/// Puts standard error back and copies the log (what was written to stderr while curses owned the screen) to it.
static void restore_stderr(void) {
    if (saved_stderr < 0) return;
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    saved_stderr = -1;
    if (log_fd < 0) return;
    char buffer[4096];
    if (lseek(log_fd, 0, SEEK_SET) == 0) {
        for (;;) {
            ssize_t n = read(log_fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            write_all(STDERR_FILENO, buffer, (size_t)n);
        }
    }
    close(log_fd);
    log_fd = -1;
}

// MARK: - Mouse

/// Whether mouse reporting was turned on by writing xterm's sequences ourselves (ncurses knew no mouse for TERM):
/// then they are turned off by ``ccs_restore`` too (ncurses turns its own off in endwin).
static volatile sig_atomic_t raw_mouse = 0;
static const char mouse_on[] = "\033[?1000h\033[?1006h";
static const char mouse_off[] = "\033[?1006l\033[?1000l";

void ccs_mouse(int on) {
    if (on) {
        // CLICKED too: a press and its release read together (a fast click, a paste of reports) come as one
        // click, which a mask of PRESSED alone would drop (seen with ncurses 6.4 in tmux).
        mmask_t wanted = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON2_PRESSED | BUTTON2_CLICKED | BUTTON3_PRESSED
            | BUTTON3_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
            | BUTTON5_PRESSED
#endif
            ;
        mmask_t got = mousemask(wanted, NULL);
        mouseinterval(0);  // each press reported at once: no wait to tell a click from a double click
        if (got == 0 && !raw_mouse) {
            raw_mouse = 1;
            write_all(STDOUT_FILENO, mouse_on, sizeof mouse_on - 1);
        }
    } else {
        mousemask(0, NULL);
        if (raw_mouse) {
            raw_mouse = 0;
            write_all(STDOUT_FILENO, mouse_off, sizeof mouse_off - 1);
        }
    }
}

int ccs_mouse_read(int *row, int *column, int *button) {
    MEVENT event;
    if (getmouse(&event) != OK) return CCS_MOUSE_NONE;
    *row = event.y;
    *column = event.x;
    *button = 0;
    mmask_t b = event.bstate;
    if (b & BUTTON4_PRESSED) return CCS_MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
    if (b & BUTTON5_PRESSED) return CCS_MOUSE_WHEEL_DOWN;
#endif
    if (b & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return CCS_MOUSE_PRESS;
    if (b & (BUTTON2_PRESSED | BUTTON2_CLICKED)) { *button = 1; return CCS_MOUSE_PRESS; }
    if (b & (BUTTON3_PRESSED | BUTTON3_CLICKED)) { *button = 2; return CCS_MOUSE_PRESS; }
    if (b & (BUTTON1_RELEASED | BUTTON2_RELEASED | BUTTON3_RELEASED)) return CCS_MOUSE_RELEASE;
    return CCS_MOUSE_NONE;
}

void ccs_restore(void) {
    if (raw_mouse) {
        raw_mouse = 0;
        write_all(STDOUT_FILENO, mouse_off, sizeof mouse_off - 1);
    }
    if (active) {
        active = 0;
        if (window != NULL && !isendwin()) endwin();
    }
    restore_stderr();
}

bool ccs_is_active(void) { return active != 0; }

bool ccs_take_interrupt(void) {
    if (!interrupted) return false;
    interrupted = 0;
    return true;
}

// MARK: - Signals

static const int ending_signals[] = {SIGTERM, SIGHUP, SIGQUIT};
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
/// The handlers before ours, by signal number (every signal handled here is below 32).
static struct sigaction previous[32];
static bool installed = false;

/// Restores the terminal, then hands the signal to whoever had it before — Swift's crash handler, which prints its
/// backtrace on the restored terminal — and finally ends the process with the signal's default action, so the
/// shell sees 128+n (143 for SIGTERM, 129 for SIGHUP). The previous handler is called directly rather than
/// re-raised to it: Swift's handler returns when the signal did not come from a fault (`kill -SEGV`), expecting the
/// fault to happen again, and the process would go on without its terminal.
static volatile sig_atomic_t defer_ending = 0;
static volatile sig_atomic_t ending_signal = 0;

void ccs_defer_ending_signals(bool defer) { defer_ending = defer ? 1 : 0; }

int ccs_ending_signal(void) { return ending_signal; }

void ccs_die_of(int signal_number) {
    ccs_restore();
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, NULL);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, signal_number);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    raise(signal_number);
    _exit(128 + signal_number);  // not reached: the default action of SIGTERM and SIGHUP ends the process
}

static void on_fatal_signal(int signal_number, siginfo_t *info, void *context) {
    int saved_errno = errno;
    if (defer_ending && ending_signal == 0 && (signal_number == SIGTERM || signal_number == SIGHUP)) {
        // The event loop saves the unsaved changes first (see ccs_defer_ending_signals).
        ending_signal = signal_number;
        errno = saved_errno;
        return;
    }
    ccs_restore();
    struct sigaction *old = &previous[signal_number];
    if (old->sa_flags & SA_SIGINFO) {
        if (old->sa_sigaction != NULL) old->sa_sigaction(signal_number, info, context);
    } else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN && old->sa_handler != NULL) {
        old->sa_handler(signal_number);
    }
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, NULL);
    // Blocked while this handler runs: delivered, with the default action, as it returns.
    raise(signal_number);
    errno = saved_errno;
}

static void on_interrupt(int signal_number) {
    (void)signal_number;
    interrupted = 1;
}

static void install_fatal(int signal_number, bool keep_ignored) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO;
    sigaction(signal_number, &action, &previous[signal_number]);
    // An ending signal the parent chose to ignore (nohup) stays ignored.
    if (keep_ignored && !(previous[signal_number].sa_flags & SA_SIGINFO)
        && previous[signal_number].sa_handler == SIG_IGN) {
        sigaction(signal_number, &previous[signal_number], NULL);
    }
}

void ccs_install_handlers(void) {
    if (installed) return;
    installed = true;
    sigset_t unblock;
    sigemptyset(&unblock);
    for (size_t i = 0; i < sizeof ending_signals / sizeof ending_signals[0]; i++) {
        install_fatal(ending_signals[i], true);
        sigaddset(&unblock, ending_signals[i]);
    }
    for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
        install_fatal(crash_signals[i], false);
        sigaddset(&unblock, crash_signals[i]);
    }
    // No SA_RESTART: a read waiting for a key returns at once, and the terminal reports the interrupt as a key.
    struct sigaction interrupt;
    memset(&interrupt, 0, sizeof interrupt);
    interrupt.sa_handler = on_interrupt;
    sigemptyset(&interrupt.sa_mask);
    sigaction(SIGINT, &interrupt, &previous[SIGINT]);
    sigaddset(&unblock, SIGINT);
    // A process inherits its parent's signal mask; a test runner's thread may block SIGTERM.
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    atexit(ccs_restore);
}

// MARK: - Starting

/// Sends standard error to an unlinked temporary file until `restore_stderr`.
static void redirect_stderr(void) {
    const char *directory = getenv("TMPDIR");
    if (directory == NULL || *directory == '\0') directory = "/tmp";
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/linedb-browse-stderr-XXXXXX", directory);
    if (n <= 0 || (size_t)n >= sizeof path) return;
    int fd = mkstemp(path);
    if (fd < 0) return;
    unlink(path);
    int saved = dup(STDERR_FILENO);
    if (saved < 0) {
        close(fd);
        return;
    }
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    saved_stderr = saved;
    log_fd = fd;
}

int ccs_start(void) {
    if (active) return CCS_STARTED;
    const char *term = getenv("TERM");
    if (term == NULL || *term == '\0') return CCS_UNKNOWN_TERMINAL;
    // Ask terminfo first, quietly (with an error pointer setupterm prints nothing and never exits).
    int status = 0;
    if (setupterm((char *)term, STDOUT_FILENO, &status) != OK) return CCS_UNKNOWN_TERMINAL;
    del_curterm(cur_term);
    FILE *out = fdopen(STDOUT_FILENO, "w");
    FILE *in = fdopen(STDIN_FILENO, "r");
    if (out == NULL || in == NULL) return CCS_NEWTERM_FAILED;
    screen = newterm((char *)term, out, in);
    if (screen == NULL) return CCS_NEWTERM_FAILED;
    set_term(screen);
    window = stdscr;
    active = 1;
    redirect_stderr();
    return CCS_STARTED;
}
